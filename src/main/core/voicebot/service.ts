import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Logger } from '../logging';
import type { VoicebotHandler, VoicebotRequest } from '../public-surface';
import type { VoicebotRepository } from '../store';
import {
  DEFAULT_CLOSE_GRACE_MS,
  sampleRateFromUrl,
  StreamConnection,
  type MediaPort,
  type SampleRate,
} from '../stream';
import type { BotDefinition, DialogVariables } from './dialog';
import { BotRegistry, UnknownBotError } from './registry/bot-registry';
import {
  CLOSE_INTERNAL_ERROR,
  CLOSE_POLICY,
  CLOSE_TRY_AGAIN_LATER,
  VoicebotLimitsSchema,
  type VoicebotLimits,
  type VoicebotLimitsInput,
} from './limits';
import { prepareGreeting, type PlacingCall, type PreparedGreeting } from './prepare-call';
import { recoverSessions, type RecoveredSession } from './records/recovery';
import type { RecordingSpace } from './records/recording-files';
import { SessionRecorder, type VoicebotCallLink, type VoicebotEventSink } from './records/session-recorder';
import { SessionOptionsSchema, type SessionOptions, type SessionOptionsInput } from './session/options';
import { holdSocket, paceIntake } from './socket-pace';
import type { SessionSpeech } from './session/observer';
import { VoicebotSession } from './session/session';

export interface VoicebotOptions {
  /** The one bot every call gets, or the registry each call names its bot from (else its default). */
  bot: BotDefinition | BotRegistry;
  /** The providers, or a loader (the socket waits, paused, while they load). */
  speech: SessionSpeech | (() => Promise<SessionSpeech>);
  repo: VoicebotRepository;
  /** Folder for the WAV files (one sub-folder per session). */
  recordingsDir: string;
  log: Logger;
  calls?: VoicebotCallLink;
  emit?: VoicebotEventSink;
  session?: SessionOptionsInput;
  /** Sessions at once and the start timeout (defaults: VoicebotLimitsSchema). */
  limits?: VoicebotLimitsInput;
  /** Values for streams that belong to no contact (test calls, QA, the CLI). */
  testVariables?: DialogVariables;
  /** Free disk space recordings leave alone (default: limits.diskFloorBytes on the real disk). */
  recordingSpace?: RecordingSpace;
}

/**
 * The voicebot: takes over each authenticated stream socket from the public surface and runs one
 * session on it. Keeps track of live sessions so the app can stop cleanly.
 */
export class Voicebot {
  readonly options: SessionOptions;
  readonly limits: VoicebotLimits;
  private readonly live = new Map<
    string,
    { conn: MediaPort; session: VoicebotSession; observer: SessionRecorder }
  >();
  private recovery: Promise<void> = Promise.resolve();
  /** Sockets accepted whose session waits for the speech providers to load. */
  private loading = 0;

  constructor(private readonly o: VoicebotOptions) {
    this.options = SessionOptionsSchema.parse(o.session ?? {});
    this.limits = VoicebotLimitsSchema.parse(o.limits ?? {});
  }

  /** For PhoneSystem.setVoicebotHandler / the public surface. */
  readonly handler: VoicebotHandler = (ws, request) => this.accept(ws, request);

  get activeSessions(): number {
    return this.live.size + this.loading;
  }

  /**
   * Start-up: ends the sessions a crash left open (`app_stopped`), their recordings repaired. Call it
   * before this voicebot takes streams (what is open then was left by an earlier run).
   */
  recoverInterrupted(): Promise<RecoveredSession[]> {
    const recovery = recoverSessions({
      repo: this.o.repo,
      recordingsDir: this.o.recordingsDir,
      log: this.o.log.child('recovery'),
    });
    this.recovery = recovery.then(
      () => undefined,
      (err: unknown) => this.o.log.error('voicebot session recovery failed', { err }),
    );
    return recovery;
  }

  /** Audio the live sessions hold in memory, recordings on their way to disk included. */
  get heldAudioBytes(): number {
    let n = 0;
    for (const l of this.live.values()) n += l.session.heldAudioBytes + l.observer.heldBytes;
    return n;
  }

  /** Resolves when every live session has ended and been recorded. */
  async idle(): Promise<void> {
    await Promise.all([...this.live.values()].map((l) => l.session.done));
  }

  accept(ws: WebSocket, request: Pick<VoicebotRequest, 'query' | 'path'> & { local?: boolean }): void {
    if (this.activeSessions >= this.limits.maxSessions) {
      this.o.log.warn('voicebot stream refused: too many sessions', { maxSessions: this.limits.maxSessions });
      ws.close(CLOSE_TRY_AGAIN_LATER, 'too many sessions: try again later');
      return;
    }
    const rate = sampleRateFromUrl(request.query);
    if (!rate.ok) {
      this.o.log.warn('voicebot stream refused', { error: rate.error });
      ws.close(CLOSE_POLICY, rate.error.slice(0, 120));
      return;
    }
    this.heartbeat(ws);
    if (request.local === false)
      paceIntake(ws, this.limits.remoteBytesPerSecond, this.limits.remoteBurstBytes, () =>
        this.o.log.warn('voicebot stream throttled: it sends faster than a phone line', {
          remoteBytesPerSecond: this.limits.remoteBytesPerSecond,
        }),
      );
    const started = this.startTimer(ws);
    const speech = this.o.speech;
    if (typeof speech !== 'function') {
      this.startSafely(ws, request.path, rate.sampleRate, speech, started);
      return;
    }
    const release = holdSocket(ws); // frames wait in the socket until the session listens
    this.loading++;
    speech().then(
      (s) => {
        this.loading--;
        if (ws.readyState !== ws.OPEN) return;
        this.startSafely(ws, request.path, rate.sampleRate, s, started);
        release();
      },
      (err: unknown) => {
        this.loading--;
        this.o.log.error('voicebot stream refused: speech is unavailable', { err });
        ws.close(CLOSE_INTERNAL_ERROR, 'speech unavailable');
      },
    );
  }

  /** A socket that has not sent `start` in time is closed (1008); the returned callback stops the clock. */
  private startTimer(ws: WebSocket): () => void {
    const timer = setTimeout(() => {
      if (ws.readyState !== ws.OPEN) return;
      this.o.log.warn('voicebot stream closed: no start frame in time', {
        startTimeoutMs: this.limits.startTimeoutMs,
      });
      ws.close(CLOSE_POLICY, 'no start frame in time');
      // A peer that ignores the close is not waited for.
      setTimeout(() => ws.terminate(), DEFAULT_CLOSE_GRACE_MS).unref();
    }, this.limits.startTimeoutMs);
    timer.unref();
    const stop = () => clearTimeout(timer);
    ws.once('close', stop);
    return stop;
  }

  /** Cuts a socket whose peer is gone: nothing received and no ping answered for a whole interval. */
  private heartbeat(ws: WebSocket): void {
    let heard = true;
    const hear = () => (heard = true);
    ws.on('message', hear);
    ws.on('pong', hear);
    const timer = setInterval(() => {
      if (ws.readyState !== ws.OPEN) return;
      if (!heard) {
        this.o.log.warn('voicebot stream cut: the peer is not responding', {
          heartbeatMs: this.limits.heartbeatMs,
        });
        ws.terminate();
        return;
      }
      heard = false;
      ws.ping();
    }, this.limits.heartbeatMs);
    timer.unref();
    ws.once('close', () => clearInterval(timer));
  }

  /** Setting up a session must not throw into the socket's handlers: a failure ends that socket only. */
  private startSafely(
    ws: WebSocket,
    path: string,
    sampleRate: SampleRate,
    speech: SessionSpeech,
    started: () => void,
  ): void {
    try {
      const session = this.start(ws, path, sampleRate, speech);
      session.conn.once('start', started);
    } catch (err) {
      started();
      this.o.log.error('voicebot session could not be set up', { err });
      ws.close(CLOSE_INTERNAL_ERROR, 'internal error');
    }
  }

  private start(
    ws: WebSocket,
    path: string,
    sampleRate: SampleRate,
    speech: SessionSpeech,
  ): { conn: MediaPort; session: VoicebotSession } {
    const id = randomUUID().replace(/-/g, '');
    const log = this.o.log.child(`session.${id.slice(0, 8)}`);
    const conn = new StreamConnection(ws, {
      sampleRate,
      logger: log,
      chunkMs: this.options.chunkMs,
    });
    const session = this.run(id, conn, speech, log);
    log.info('voicebot stream accepted', { path, sampleRate });
    return { conn, session };
  }

  /**
   * Runs a session on a port that is not a socket (createMediaPair's bot end): a caller in the same
   * process, as fast as it sends audio. The session ends when the port closes.
   */
  async attach(port: MediaPort): Promise<VoicebotSession> {
    const speech = typeof this.o.speech === 'function' ? await this.o.speech() : this.o.speech;
    const id = randomUUID().replace(/-/g, '');
    return this.run(id, port, speech, this.o.log.child(`session.${id.slice(0, 8)}`));
  }

  private run(id: string, conn: MediaPort, speech: SessionSpeech, log: Logger): VoicebotSession {
    const observer = new SessionRecorder({
      sessionId: id,
      bots: (botId) => this.botFor(botId),
      repo: this.o.repo,
      recordingsDir: this.o.recordingsDir,
      log,
      calls: this.o.calls,
      emit: this.o.emit,
      testVariables: this.o.testVariables,
      recordingSpace: this.o.recordingSpace ?? { floorBytes: this.limits.diskFloorBytes },
    });
    const session = new VoicebotSession(conn, {
      speech,
      options: this.options,
      observer,
      log,
    });
    this.live.set(id, { conn, session, observer });
    void session.done.then(() => this.live.delete(id));
    return session;
  }

  /**
   * A call is being placed (the dialer says so before its request leaves): a scripted bot's greeting
   * is synthesised now, into the TTS cache, so it plays as soon as the callee answers. Never rejects.
   */
  prepareCall(call: PlacingCall): Promise<PreparedGreeting> {
    const speech = this.o.speech;
    return prepareGreeting(
      {
        bots: (id) => this.botFor(id),
        speech: typeof speech === 'function' ? speech : () => Promise.resolve(speech),
        repo: this.o.repo,
        testVariables: this.o.testVariables,
        log: this.o.log.child('prepare'),
      },
      call,
    );
  }

  /**
   * The provider says a machine answered this call attempt (e.g. a callback with AnsweredBy=Machine
   * that came after the stream started): its live session hangs up without talking to it.
   */
  machineAnswered(attemptId: string): boolean {
    const live = [...this.live.values()].find((l) => l.session.attempt === attemptId);
    live?.session.machineAnswered();
    return live !== undefined;
  }

  /** The bot a call names, or the default one. Throws UnknownBotError (the session then ends, logged). */
  private botFor(id: string | undefined): BotDefinition {
    const bot = this.o.bot;
    if (bot instanceof BotRegistry) return bot.resolve(id);
    if (id !== undefined && id !== bot.id) throw new UnknownBotError(id, [bot.id]);
    return bot;
  }

  /** Hangs up every live call (1001: going away) and waits for their records. */
  async close(): Promise<void> {
    await this.recovery;
    const live = [...this.live.values()];
    await Promise.all(live.map(async (l) => l.conn.close(1001, 'voicebot stopping')));
    await Promise.all(live.map((l) => l.session.done));
  }
}
