import path from 'node:path';
import WebSocket from 'ws';
import { Artifacts } from '../../../src/main/core/artifacts';
import { createLogger, memorySink, type LogRecord, type LogSink } from '../../../src/main/core/logging';
import {
  startPublicSurface,
  type PublicSurface,
  type PublicSurfaceLimitsInput,
} from '../../../src/main/core/public-surface';
import { tone, silence, type Llm, type VadProvider } from '../../../src/main/core/speech';
import { FakeAsr, FakeTts, FakeVadProvider } from '../../../src/main/core/speech/testing';
import { ArtifactsRepository, openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import { encodeInboundFrame, frameAll, type InboundFrame } from '../../../src/main/core/stream';
import {
  loadBotFile,
  Voicebot,
  VoicebotRecords,
  type BotDefinition,
  type DialogVariables,
  type SessionOptionsInput,
  type SessionSpeech,
  type VoicebotCallLink,
  type VoicebotLimitsInput,
} from '../../../src/main/core/voicebot';
import { makeTempDir } from '../../helpers/temp-dir';

import { demoBotFile, patient } from '../../fixtures/demo-bot';
export { demoBotFile, patient, repoRoot } from '../../fixtures/demo-bot';

export const RATE = 8000;
export const CHUNK_BYTES = 1600; // 100 ms at 8 kHz, as Exotel sends
export const STREAM_SID = 'MZ0123456789abcdef0123456789abcd';
export const CALL_SID = 'CA0123456789abcdef0123456789abcd';

/** A bot on the real public surface (real ws server on port 0) with fake speech, and its records. */
/** The exact frames the voicebot must send, as the wire tests expect them. */
export const media = (pcm: Buffer) =>
  JSON.stringify({ event: 'media', stream_sid: STREAM_SID, media: { payload: pcm.toString('base64') } });
export const mark = (name: string) =>
  JSON.stringify({ event: 'mark', stream_sid: STREAM_SID, mark: { name } });
export const clear = JSON.stringify({ event: 'clear', stream_sid: STREAM_SID });

/** The frames of a whole turn: its text through the fake TTS, framed, then its mark. */
export async function turnFrames(text: string, markName: string): Promise<string[]> {
  const audio = await new FakeTts().synthesizeAll(text, { sampleRate: RATE });
  return [...frameAll(audio.pcm, { sampleRate: RATE }).map(media), mark(markName)];
}

export interface WireRig {
  db: Db;
  dir: string;
  logs: LogRecord[];
  bot: BotDefinition;
  asr: FakeAsr;
  tts: FakeTts;
  voicebot: Voicebot;
  records: VoicebotRecords;
  streamUrl: string;
  surface: PublicSurface;
  decisions: string[];
  close(): Promise<void>;
}

export async function makeWireRig(
  asrScript: string[],
  options: {
    session?: SessionOptionsInput;
    calls?: VoicebotCallLink;
    botFile?: string;
    llm?: Llm;
    testVariables?: DialogVariables;
    vad?: VadProvider;
    limits?: VoicebotLimitsInput;
    surfaceLimits?: PublicSurfaceLimitsInput;
    /** More log sinks (e.g. a real log file), besides `logs`. */
    logSinks?: LogSink[];
    /** Real providers instead of the fakes (the rig's `asr` and `tts` then go unused). */
    speech?: SessionSpeech;
  } = {},
): Promise<WireRig> {
  const { dir, cleanup } = makeTempDir();
  const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
  const logs: LogRecord[] = [];
  const log = createLogger([memorySink(logs), ...(options.logSinks ?? [])], 'debug', 'test');
  const bot = await loadBotFile(options.botFile ?? demoBotFile);
  const asr = new FakeAsr(asrScript);
  const tts = new FakeTts();
  const decisions: string[] = [];
  const repo = new VoicebotRepository(db);
  const voicebot = new Voicebot({
    bot,
    speech: options.speech ?? { tts, asr, vad: options.vad ?? new FakeVadProvider(), llm: options.llm },
    repo,
    recordingsDir: path.join(dir, 'recordings'),
    log,
    session: options.session,
    limits: options.limits,
    testVariables: options.testVariables ?? patient,
    calls: options.calls ?? {
      findAttempt: () => ({ attemptId: 'attempt-1', contactId: null }),
      streamStarted: () => decisions.push('stream_started'),
      decideTransfer: (_id, d) => decisions.push(d),
    },
  });
  const secret = 'test-secret-0123456789';
  const surface = await startPublicSurface({
    secret,
    log,
    handlers: { statusCallback: () => ({ ok: true }), passthru: () => 'continue' },
    voicebot: voicebot.handler,
    // The wire tests feed the codec frames up to 1 MiB; the production frame cap (64 KiB) has its
    // own test in stream-limits.test.ts (pass `surfaceLimits: {}` for the production limits).
    limits: options.surfaceLimits ?? { maxFrameBytes: 1024 * 1024 },
  });
  const streamUrl = `${surface.localUrl.replace('http', 'ws')}/voicebot/${secret}/stream`;
  return {
    db,
    dir,
    logs,
    bot,
    asr,
    tts,
    voicebot,
    records: new VoicebotRecords(repo, new Artifacts(new ArtifactsRepository(db), dir, log)),
    streamUrl,
    surface,
    decisions,
    close: async () => {
      await voicebot.close();
      await surface.close();
      db.close();
      cleanup();
    },
  };
}

/** Exotel's side, frame by frame: the test decides every frame and sees every frame the bot sends. */
export class RawExotel {
  /** Every text frame the bot sent, as received (exact JSON text). */
  readonly received: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private mediaMs = 0;
  private seq = 1;
  private waiters: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      this.received.push(text);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        for (const w of this.waiters.splice(0)) w();
      }),
    );
  }

  /**
   * `autoPong: false`: a peer gone without closing (pings go unanswered). `headers`: e.g. the
   * X-Forwarded-For a tunnel adds (the stream then comes from the internet, not this machine).
   */
  static async connect(
    url: string,
    options: { autoPong?: boolean; headers?: Record<string, string> } = {},
  ): Promise<RawExotel> {
    const ws = new WebSocket(url, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawExotel(ws);
  }

  /** Stops reading what the bot sends (a peer that ignores the bot's close keeps sending). */
  pause(): void {
    this.ws.pause();
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Parsed frames the bot sent. */
  get frames(): {
    event: string;
    stream_sid?: string;
    media?: { payload: string };
    mark?: { name: string };
  }[] {
    return this.received.map((t) => JSON.parse(t) as never);
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  send(frame: InboundFrame): void {
    this.ws.send(encodeInboundFrame(frame));
  }

  begin(customParameters: Record<string, string> = {}): void {
    this.send({ event: 'connected' });
    this.send({
      event: 'start',
      sequenceNumber: this.seq++,
      streamSid: STREAM_SID,
      callSid: CALL_SID,
      accountSid: 'ACtest',
      from: '+919876543210',
      to: '+918047000000',
      customParameters,
      mediaFormat: { encoding: 'raw/slin', sampleRate: RATE, bitRate: '128kbps' },
    });
  }

  /** Sends PCM as 100 ms media frames (the last padded). */
  audio(pcm: Buffer): void {
    for (let at = 0; at < pcm.length; at += CHUNK_BYTES) {
      const piece = Buffer.alloc(CHUNK_BYTES);
      pcm.copy(piece, 0, at, Math.min(pcm.length, at + CHUNK_BYTES));
      this.mediaMs += 100;
      this.send({
        event: 'media',
        sequenceNumber: this.seq++,
        streamSid: STREAM_SID,
        chunk: this.mediaMs / 100,
        timestamp: this.mediaMs,
        payload: piece,
      });
    }
  }

  /** The caller says something: a tone the fake VAD hears as speech. */
  speak(ms: number): void {
    this.audio(tone(440, ms, RATE));
  }

  silence(ms: number): void {
    this.audio(silence(ms, RATE));
  }

  dtmf(digit: string): void {
    this.send({ event: 'dtmf', sequenceNumber: this.seq++, streamSid: STREAM_SID, digit, durationMs: 100 });
  }

  echoMark(name: string): void {
    this.send({ event: 'mark', sequenceNumber: this.seq++, streamSid: STREAM_SID, name });
  }

  stop(): void {
    this.send({
      event: 'stop',
      sequenceNumber: this.seq++,
      streamSid: STREAM_SID,
      callSid: CALL_SID,
      accountSid: 'ACtest',
      reason: 'callended',
    });
  }

  close(): void {
    this.ws.close(1000, 'test done');
  }

  /** Waits (bounded, wall clock: this is the test's transport) until `condition` holds. */
  async until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilMark(name: string): Promise<void> {
    return this.until(
      () => this.frames.some((f) => f.event === 'mark' && f.mark?.name === name),
      `mark ${name}`,
    );
  }

  /** e.g. "media×12 mark:turn-1 clear". */
  summary(from = 0): string {
    const out: string[] = [];
    for (const f of this.frames.slice(from)) {
      const label = f.event === 'mark' ? `mark:${f.mark?.name}` : f.event;
      const last = out.at(-1);
      const m = last ? /^(\w+)(?:×(\d+))?$/.exec(last) : null;
      if (m && m[1] === label) out[out.length - 1] = `${label}×${Number(m[2] ?? 1) + 1}`;
      else out.push(label);
    }
    return out.join(' ');
  }
}
