import path from 'node:path';
import type { Logger } from '../../../src/main/core/logging';
import { BotWork, runConversation, SpeechCache } from '../../../src/main/core/qa';
import type { SpeechProviders } from '../../../src/main/core/speech';
import { VoicebotRepository, type Db } from '../../../src/main/core/store';
import { createMediaPair, ExotelStreamClient } from '../../../src/main/core/stream';
import { loadBotFile, Voicebot } from '../../../src/main/core/voicebot';
import type { VoicebotSessionSummary } from '../../../src/shared/voicebot';
import { demoBotFile } from '../../fixtures/demo-bot';

/**
 * A call to the demo bot through the voicebot service (which records both channels and keeps the
 * transcript in `db`): a caller says `lines` one per turn (flite), media time. Returns the session.
 */
export async function recordDemoCall(o: {
  db: Db;
  speech: SpeechProviders;
  /** Recordings go under this folder's recordings/. */
  dir: string;
  lines: string[];
  log: Logger;
  /** The contact row of a test call (default: the bot's examples, as a test call with none set). */
  testVariables?: Record<string, string>;
}): Promise<VoicebotSessionSummary> {
  const work = new BotWork();
  const repo = new VoicebotRepository(o.db);
  const voicebot = new Voicebot({
    bot: await loadBotFile(demoBotFile),
    speech: work.track(o.speech),
    repo,
    recordingsDir: path.join(o.dir, 'recordings'),
    log: o.log,
    ...(o.testVariables ? { testVariables: o.testVariables } : {}),
  });
  try {
    const pair = createMediaPair({ sampleRate: 8000 });
    await voicebot.attach(pair.bot);
    const cache = new SpeechCache(o.speech.tts, path.join(o.dir, 'tts'));
    const said = await runConversation({
      line: {
        client: ExotelStreamClient.overPort(pair.caller, { pacing: work.clock() }),
        realtime: false,
        settle: () => work.quiet(),
        outcome: () =>
          Promise.resolve({ disposition: null, transfer: null, botTexts: [], sessionId: null, error: null }),
      },
      caller: {
        bargeInMs: () => undefined,
        next: async ({ turn }) => {
          const text = o.lines[turn - 1];
          return text ? { action: 'say', step: turn - 1, text, pcm: await cache.speak(text) } : null;
        },
      },
      maxDurationMs: 120_000,
    });
    if (said.endReason !== 'bot_hangup') throw new Error(`the recorded call ended by ${said.endReason}`);
    await voicebot.idle();
  } finally {
    await voicebot.close();
  }
  const [session] = repo.listSessions({ limit: 1 });
  if (!session) throw new Error('no voicebot session was recorded');
  return session;
}
