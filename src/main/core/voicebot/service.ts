import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Logger } from '../logging';
import type { VoicebotHandler, VoicebotRequest } from '../public-surface';
import type { VoicebotRepository } from '../store';
import { sampleRateFromUrl, StreamConnection, type SampleRate } from '../stream';
import type { BotDefinition, DialogVariables } from './dialog';
import { SessionRecorder, type VoicebotCallLink, type VoicebotEventSink } from './records/session-recorder';
import { SessionOptionsSchema, type SessionOptions, type SessionOptionsInput } from './session/options';
import type { SessionSpeech } from './session/observer';
import { VoicebotSession } from './session/session';

export interface VoicebotOptions {
  bot: BotDefinition;
  /** The providers, or a loader (the socket waits, paused, while they load). */
  speech: SessionSpeech | (() => Promise<SessionSpeech>);
  repo: VoicebotRepository;
  /** Folder for the WAV files (one sub-folder per session). */
  recordingsDir: string;
  log: Logger;
  calls?: VoicebotCallLink;
  emit?: VoicebotEventSink;
  session?: SessionOptionsInput;
  /** Values for streams that belong to no contact (test calls, QA, the CLI). */
  testVariables?: DialogVariables;
}

/** Closed with 1008 (policy) when the URL asks for a rate we cannot speak. */
const BAD_RATE_CLOSE = 1008;

/**
 * The voicebot: takes over each authenticated stream socket from the public surface and runs one
 * session on it. Keeps track of live sessions so the app can stop cleanly.
 */
export class Voicebot {
  readonly options: SessionOptions;
  private readonly live = new Map<string, { conn: StreamConnection; session: VoicebotSession }>();

  constructor(private readonly o: VoicebotOptions) {
    this.options = SessionOptionsSchema.parse(o.session ?? {});
  }

  /** For PhoneSystem.setVoicebotHandler / the public surface. */
  readonly handler: VoicebotHandler = (ws, request) => this.accept(ws, request);

  get activeSessions(): number {
    return this.live.size;
  }

  /** Resolves when every live session has ended and been recorded. */
  async idle(): Promise<void> {
    await Promise.all([...this.live.values()].map((l) => l.session.done));
  }

  accept(ws: WebSocket, request: Pick<VoicebotRequest, 'query' | 'path'>): void {
    const rate = sampleRateFromUrl(request.query);
    if (!rate.ok) {
      this.o.log.warn('voicebot stream refused', { error: rate.error });
      ws.close(BAD_RATE_CLOSE, rate.error.slice(0, 120));
      return;
    }
    const speech = this.o.speech;
    if (typeof speech !== 'function') {
      this.start(ws, request.path, rate.sampleRate, speech);
      return;
    }
    ws.pause(); // frames wait in the socket until the session listens
    speech().then(
      (s) => {
        this.start(ws, request.path, rate.sampleRate, s);
        ws.resume();
      },
      (err: unknown) => {
        this.o.log.error('voicebot stream refused: speech is unavailable', { err });
        ws.close(1011, 'speech unavailable');
      },
    );
  }

  private start(ws: WebSocket, path: string, sampleRate: SampleRate, speech: SessionSpeech): VoicebotSession {
    const id = randomUUID().replace(/-/g, '');
    const log = this.o.log.child(`session.${id.slice(0, 8)}`);
    const conn = new StreamConnection(ws, {
      sampleRate,
      logger: log,
      chunkMs: this.options.chunkMs,
    });
    const observer = new SessionRecorder({
      sessionId: id,
      bot: this.o.bot,
      repo: this.o.repo,
      recordingsDir: this.o.recordingsDir,
      log,
      calls: this.o.calls,
      emit: this.o.emit,
      testVariables: this.o.testVariables,
    });
    const session = new VoicebotSession(conn, {
      bot: this.o.bot,
      speech,
      options: this.options,
      observer,
      log,
    });
    this.live.set(id, { conn, session });
    void session.done.then(() => this.live.delete(id));
    log.info('voicebot stream accepted', { path, sampleRate });
    return session;
  }

  /** Hangs up every live call (1001: going away) and waits for their records. */
  async close(): Promise<void> {
    const live = [...this.live.values()];
    await Promise.all(live.map(async (l) => l.conn.close(1001, 'voicebot stopping')));
    await Promise.all(live.map((l) => l.session.done));
  }
}
