import path from 'node:path';
import type { WebSocket } from 'ws';
import { Artifacts } from '../../src/main/core/artifacts';
import { createLogger, type LogRecord } from '../../src/main/core/logging';
import { startPublicSurface, type VoicebotRequest } from '../../src/main/core/public-surface';
import { type RecognizeOptions } from '../../src/main/core/speech';
import { FakeAsr, FakeTts, FakeVadProvider } from '../../src/main/core/speech/testing';
import { ArtifactsRepository, openDatabase, VoicebotRepository } from '../../src/main/core/store';
import { ExotelStreamClient, type Pacing } from '../../src/main/core/stream';
import {
  loadBotFile,
  Voicebot,
  VoicebotRecords,
  type DialogVariables,
  type SessionOptionsInput,
  type SessionSpeech,
} from '../../src/main/core/voicebot';
import { makeTempDir } from '../../test/helpers/temp-dir';

export * from './timing';

// Shared by the voicebot benchmarks: a voicebot on the real public surface (real ws server on port 0,
// real SQLite and WAV records in a temp dir), the demo bot, a scripted fake recogniser that keeps a
// conversation going; timing helpers live in timing.ts (the callers' child process uses them too).

import { demoBotFile, patient } from '../../test/fixtures/demo-bot';
export { demoBotFile, patient, repoRoot } from '../../test/fixtures/demo-bot';

/**
 * Answers for the demo bot that never end the call: yes → appointment, change → which day, friday →
 * "is that right?", no → which day again, and so on. Chosen from the grammar the state listens with.
 */
export function loopAnswer(_audio: unknown, options: RecognizeOptions): string {
  const phrases = options.grammar?.phrases ?? [];
  if (phrases.includes('change')) return 'change';
  const days = phrases.some((p) => p.includes('friday'));
  if (days && phrases.includes('no')) return 'no';
  if (days) return 'friday';
  return 'yes';
}

/** Fake speech with ~0 compute: energy VAD, scripted ASR, one tone per word for TTS. */
export function fakeSpeech(): SessionSpeech {
  return { tts: new FakeTts(), asr: new FakeAsr(loopAnswer), vad: new FakeVadProvider() };
}

/** Hooks around the voicebot's handling of each socket: `before` runs first, `after` once it is done. */
export interface SocketHooks {
  before?: (path: string, data: Buffer) => void;
  after?: (path: string, data: Buffer) => void;
  close?: (path: string) => void;
}

export interface BenchRig {
  streamUrl: string;
  voicebot: Voicebot;
  records: VoicebotRecords;
  /** Warnings and errors logged by the voicebot (debug/info are not kept: they would add load). */
  problems: LogRecord[];
  close(): Promise<void>;
}

export async function makeBenchRig(o: {
  speech: SessionSpeech;
  session?: SessionOptionsInput;
  hooks?: SocketHooks;
  /** Another bot than the demo bot, with the contact values it needs. */
  bot?: { file: string; variables: DialogVariables };
}): Promise<BenchRig> {
  const { dir, cleanup } = makeTempDir('calldeck-bench-');
  const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
  const problems: LogRecord[] = [];
  const log = createLogger([(r) => problems.push(r)], 'warn', 'bench');
  const repo = new VoicebotRepository(db);
  const voicebot = new Voicebot({
    bot: await loadBotFile(o.bot?.file ?? demoBotFile),
    speech: o.speech,
    repo,
    recordingsDir: path.join(dir, 'recordings'),
    log,
    session: o.session,
    testVariables: o.bot?.variables ?? patient,
  });
  const hooks = o.hooks ?? {};
  const handler = (ws: WebSocket, request: VoicebotRequest) => {
    const p = request.path;
    const { before, after, close } = hooks;
    // Listeners run in order: `before`, the voicebot's own (parse → session), then `after`.
    if (before) ws.on('message', (data: Buffer) => before(p, data));
    voicebot.handler(ws, request);
    if (after) ws.on('message', (data: Buffer) => after(p, data));
    if (close) ws.on('close', () => close(p));
  };
  const secret = 'bench-secret-0123456789';
  const surface = await startPublicSurface({
    secret,
    log,
    handlers: { statusCallback: () => ({ ok: true }), passthru: () => 'continue' },
    voicebot: handler,
  });
  return {
    streamUrl: `${surface.localUrl.replace('http', 'ws')}/voicebot/${secret}/`,
    voicebot,
    records: new VoicebotRecords(repo, new Artifacts(new ArtifactsRepository(db), dir, log)),
    problems,
    close: async () => {
      await voicebot.close();
      await surface.close();
      db.close();
      cleanup();
    },
  };
}

/** True for an inbound media frame (encodeInboundFrame writes `event` first), without parsing it. */
export function isMediaFrame(data: Buffer): boolean {
  return data.subarray(0, 17).toString('latin1') === '{"event":"media",';
}

/** Pause between the bot's turn ending and the caller starting to speak. */
const THINK_MS = 400;
/** Bounds every wait in media time (no bot turn in the benches is this long). */
const MAX_WAIT_MEDIA_MS = 60_000;

/**
 * One call as a patient caller: each line is said once the bot's previous turn has played (its mark
 * came back); then the call runs until `end` (the bot closed the stream, or its last turn played).
 */
export async function converse(
  url: string,
  lines: Buffer[],
  pacing: Pacing,
  end: 'bot_closes' | 'last_mark',
): Promise<void> {
  const client = await ExotelStreamClient.connect({ url, pacing });
  try {
    for (const [i, pcm] of lines.entries()) {
      const ready = await client.runUntil(() => client.echoedMarks.length > i, MAX_WAIT_MEDIA_MS);
      if (!ready || !client.isOpen) break;
      await client.silence(THINK_MS);
      await client.say(pcm);
    }
    await client.runUntil(
      () => (end === 'bot_closes' ? !client.isOpen : client.echoedMarks.length > lines.length),
      MAX_WAIT_MEDIA_MS,
    );
  } finally {
    if (client.isOpen) await client.hangup();
  }
}
