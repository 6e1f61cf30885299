import path from 'node:path';
import { DATABASE_FILE } from '../config';
import type { Logger } from '../logging';
import type { SecretStore } from '../settings';
import { loadOrCreatePublicSecret, startPublicSurface } from '../public-surface';
import { createSpeechProviders, type SpeechConfigInput } from '../speech';
import { openDatabase, SettingsRepository, VoicebotRepository } from '../store';
import { loadBotFile } from './dialog';
import { DEFAULT_BOT, findResourcesDir } from './resources-dir';
import { Voicebot } from './service';
import type { SessionOptionsInput } from './session/options';

export interface StandaloneVoicebotOptions {
  /** Data folder: the database (records, the install's secret) and recordings/. */
  dataDir: string;
  /** The host's secret store (the install's public URL secret lives there). */
  secrets: SecretStore;
  port?: number;
  botFile?: string;
  log: Logger;
  /** Default: every role offline (flite, soundswallower, fvad). */
  speech?: SpeechConfigInput;
  openaiApiKey?: string;
  session?: SessionOptionsInput;
}

export interface StandaloneVoicebot {
  /** `ws://127.0.0.1:PORT/voicebot/<secret>/`: any path below it opens a session. */
  readonly streamUrl: string;
  readonly voicebot: Voicebot;
  close(): Promise<void>;
}

/**
 * The voicebot's public surface on its own (`calldeck voicebot`), so QA and other tools can call the
 * bot from outside: no dialer, no sandbox. Streams belong to no call attempt; their `start` custom
 * parameters fill the bot's variables.
 */
export async function startStandaloneVoicebot(o: StandaloneVoicebotOptions): Promise<StandaloneVoicebot> {
  const botFile = o.botFile ?? path.join(findResourcesDir(), DEFAULT_BOT);
  const bot = await loadBotFile(botFile);
  const speech = await createSpeechProviders(o.speech ?? {}, { openaiApiKey: o.openaiApiKey });
  const db = openDatabase(path.join(o.dataDir, DATABASE_FILE));
  try {
    const secret = loadOrCreatePublicSecret(o.secrets, new SettingsRepository(db), o.log);
    const voicebot = new Voicebot({
      bot,
      speech,
      repo: new VoicebotRepository(db),
      recordingsDir: path.join(o.dataDir, 'recordings'),
      log: o.log,
      session: o.session,
    });
    const surface = await startPublicSurface({
      secret,
      port: o.port ?? 0,
      log: o.log.child('public'),
      // No calls are placed here: callbacks are acknowledged and change nothing.
      handlers: { statusCallback: () => ({ ok: true }), passthru: () => 'continue' },
      voicebot: voicebot.handler,
    });
    return {
      streamUrl: `${surface.localUrl.replace(/^http/, 'ws')}/voicebot/${secret}/`,
      voicebot,
      close: async () => {
        await voicebot.close();
        await surface.close();
        speech.dispose();
        db.close();
      },
    };
  } catch (err) {
    speech.dispose();
    db.close();
    throw err;
  }
}
