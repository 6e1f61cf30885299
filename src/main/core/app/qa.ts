import path from 'node:path';
import type { QaUpdatedEvent } from '../../../shared/qa';
import type { Artifacts } from '../artifacts';
import type { JobEngine } from '../jobs';
import type { Logger } from '../logging';
import { judgeFromSpeechConfig, QaRunner, type SuiteRoot } from '../qa';
import type { SettingsService } from '../settings';
import { QaRepository, VoicebotRepository, type Db } from '../store';
import {
  BOTS_DIR,
  BotRegistry,
  DEFAULT_BOT_ID,
  speechConfigFromSettings,
  type SessionSpeech,
} from '../voicebot';

export interface QaWiring {
  runner: QaRunner;
  roots: SuiteRoot[];
}

export interface QaWiringOptions {
  db: Db;
  jobs: JobEngine;
  dataDir: string;
  resourcesDir: () => string;
  botFile?: string;
  log: Logger;
  artifacts: () => Artifacts;
  speech: () => Promise<SessionSpeech>;
  /** The voicebot's registry when this host runs one. */
  bots: () => BotRegistry | undefined;
  emit: (e: QaUpdatedEvent) => void;
  /** The speech settings' LLM is the judge (at temperature 0); without one, judge criteria have no verdict. */
  settings?: SettingsService;
}

/**
 * The QA runner for every host: its job kind is registered before jobs recover. A host without a
 * voicebot (the `calldeck qa` command) loads the bots on first use: the one --bot-file, or the
 * bundled and the user's bots, as the voicebot would.
 */
export function createQa(o: QaWiringOptions): QaWiring {
  let own: Promise<BotRegistry> | undefined;
  const bots = async () => {
    const live = o.bots();
    if (live) return live;
    own ??= o.botFile
      ? BotRegistry.fromFile(o.botFile, o.log.child('bots'))
      : BotRegistry.load({
          bundledDir: path.join(o.resourcesDir(), BOTS_DIR),
          userDir: path.join(o.dataDir, BOTS_DIR),
          defaultBotId: DEFAULT_BOT_ID,
          log: o.log.child('bots'),
        });
    return own;
  };
  const voicebotRecords = new VoicebotRepository(o.db);
  const runner = new QaRunner({
    repo: new QaRepository(o.db),
    jobs: o.jobs,
    dataDir: o.dataDir,
    log: o.log,
    artifacts: o.artifacts,
    speech: o.speech,
    bots,
    emit: o.emit,
    judge: () => {
      const settings = o.settings;
      if (!settings) return undefined;
      return judgeFromSpeechConfig(
        speechConfigFromSettings(settings.get().speech),
        settings.secret('speech.apiKey'),
        o.log.child('judge'),
      );
    },
    sessionCallerWav: (id) => voicebotRecords.recordings(id)?.caller ?? null,
  });
  return {
    runner,
    get roots() {
      return [
        { dir: path.join(o.resourcesDir(), 'qa'), source: 'bundled' as const },
        { dir: path.join(o.dataDir, 'qa', 'suites'), source: 'user' as const },
      ];
    },
  };
}
