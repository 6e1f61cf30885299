import type { Logger } from '../../logging';
import type { DtmfFrame, InboundMarkFrame, MediaFrame, MediaPort, StartFrame } from '../../stream';
import { createDialog, type Dialog, type ListenSpec } from '../dialog';
import { BotTrack } from './bot-track';
import { CallerTrack } from './caller-track';
import { Endpointer, type UtteranceEvent } from './endpointer';
import { CLOSE_INTERNAL_ERROR } from '../limits';
import type { SessionDeps, SessionEndInfo } from './observer';
import { Speaker, type SpokenTurn } from './speaker';
import { TimedLlm } from './timed-llm';
import { SessionTranscript } from './transcript';
import { TurnVoice, type VoiceHost } from './turn-voice';
import { hear, turnMetrics, type Pending } from './turn-input';
import { recogniseEarly, type EarlyRecognition } from './recognise';

/** Caller audio kept beyond the turn under way: the VAD decides a start a little after it happened. */
const IDLE_RETAIN_MS = 2000;

/**
 * One call: inbound audio → VAD endpointing → ASR (the state's grammar) → dialog → TTS → media frames
 * and a mark per bot turn. Caller speech while the bot talks clears its audio when the turn allows
 * barge-in. Every timing decision counts samples (media time), so faster-than-real-time audio gets
 * the same conversation. Turns run one at a time; inputs that arrive meanwhile wait in a queue.
 * An LLM bot's reply is spoken sentence by sentence while the model still generates it (speaking ahead).
 */
export class VoicebotSession {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private phase: 'waiting' | 'active' | 'ended' = 'waiting';
  private readonly caller: CallerTrack;
  private readonly track: BotTrack;
  private readonly speaker: Speaker;
  private readonly voice: TurnVoice;
  private timedLlm?: TimedLlm;
  private readonly log: Logger;
  private readonly transcript: SessionTranscript;
  private dialog?: Dialog;
  private endpointer?: Endpointer;
  private readonly queue: Pending[] = [];
  /** Recognition started at the caller's latest pause, not yet claimed by a turn. */
  private early?: EarlyRecognition;
  private working = false;
  private listen: ListenSpec | null = null;
  private listenSince: number | null = null;
  /** The caller is talking over a turn that may not be interrupted: that speech is not a turn. */
  private ignoring = false;
  private decision: 'agent' | 'none' | null = null;
  /** The provider said a machine answered: the bot hung up without talking to it. */
  private machine = false;
  private attemptId: string | null = null;
  private closeReason?: string;
  /** The observer knows this session (its end must be recorded). */
  private recorded = false;

  constructor(
    private readonly conn: MediaPort,
    private readonly deps: SessionDeps,
  ) {
    this.log = deps.log;
    this.transcript = new SessionTranscript(deps.observer);
    this.caller = new CallerTrack(conn.sampleRate, deps.options.maxCallMs);
    this.track = new BotTrack(conn.sampleRate);
    const now = () => this.caller.lengthMs;
    this.speaker = new Speaker(conn, this.track, deps.speech.tts, deps.options.chunkMs, now, this.log);
    this.voice = new TurnVoice(this.voiceHost(), this.speaker, this.track, this.transcript, this.log);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    conn.on('start', (f) => this.onStart(f));
    conn.on('media', (f) => this.onMedia(f));
    conn.on('dtmf', (f) => this.onDtmf(f));
    conn.on('mark', (f) => this.onMark(f));
    conn.on('stop', (f) => this.finish(f.reason === 'callended' ? 'caller_hangup' : 'stopped'));
    // 1011: the connection caught an exception thrown while this session handled a frame.
    conn.on('close', (info) => this.finish(info.code === CLOSE_INTERNAL_ERROR ? 'error' : 'closed'));
  }

  /** The call attempt this session belongs to, once its start has been recorded. */
  get attempt(): string | null {
    return this.attemptId;
  }

  /**
   * The provider says a machine answered (Exotel's AnsweredBy=Machine, at start or during the call):
   * the bot does not talk to it. It hangs up, with disposition `machine` and no transfer.
   */
  machineAnswered(): void {
    if (this.phase === 'ended' || this.closeReason !== undefined || this.machine) return;
    this.machine = true;
    this.log.info('a machine answered the call: hanging up without talking to it');
    if (this.decision === null) {
      this.decision = 'none';
      this.deps.observer.decided('none');
    }
    this.hangUp('machine');
  }

  /** Caller and bot audio this session holds in memory (recent audio only: the call goes to disk). */
  get heldAudioBytes(): number {
    return this.caller.heldBytes + this.track.heldBytes;
  }

  private get now(): number {
    return this.caller.lengthMs;
  }

  private get current(): SpokenTurn | undefined {
    return this.voice.current;
  }

  private voiceHost(): VoiceHost {
    return {
      now: () => this.now,
      active: () => this.phase === 'active',
      callerBusy: () => this.callerBusy,
      holdCaller: () => this.holdCaller(),
      turnBegins: () => (this.listenSince = null),
      endCall: (action) => this.hangUp(action === 'transfer' ? 'transfer' : 'bot_hangup'),
    };
  }

  private onStart(start: StartFrame): void {
    if (this.phase !== 'waiting') return this.log.warn('a second start frame was ignored');
    const { speech, options, observer } = this.deps;
    try {
      // The call's bot is known only now: the call attempt or the stream's `bot` parameter names it.
      const setup = observer.setup(start);
      const bot = setup.bot;
      if (bot.kind === 'llm' && speech.llm) this.timedLlm = new TimedLlm(speech.llm);
      observer.started({
        attemptId: setup.attemptId,
        streamSid: start.streamSid,
        callSid: start.callSid,
        botId: bot.id,
        sampleRate: this.conn.sampleRate,
      });
      this.recorded = true;
      this.attemptId = setup.attemptId;
      if (setup.machine) return this.machineAnswered();
      this.dialog = createDialog(bot, setup.variables, { llm: this.timedLlm, logger: this.log });
    } catch (err) {
      this.log.error('voicebot session could not start', { err, callSid: start.callSid });
      this.hangUp('setup_failed');
      return;
    }
    const vad = speech.vad.create({
      sampleRate: this.conn.sampleRate,
      hangoverMs: options.endpointingMs,
      minSpeechMs: options.minSpeechMs,
      quietGateDb: options.endpointQuietDb,
    });
    this.endpointer = new Endpointer(vad, options.maxUtteranceMs, options.recogniseAtPauseMs);
    this.phase = 'active';
    this.enqueue({ kind: 'start', wall: performance.now() });
  }

  private onMedia(frame: MediaFrame): void {
    // Once the bot has hung up, what the caller still sends is not kept.
    if (this.phase !== 'active' || !this.endpointer || this.closeReason !== undefined) return;
    const kept = this.caller.append(frame.payload);
    if (kept.length > 0) {
      // The bot's audio up to now has played: both channels go to the recording as they are final.
      this.deps.observer.audio(kept, this.track.take(this.now));
      this.heard(kept);
      this.caller.release(this.neededFromMs());
    }
    if (this.caller.full) {
      this.log.info('the call reached its time limit (media time): hanging up', {
        maxCallMs: this.deps.options.maxCallMs,
      });
      this.hangUp('time_limit');
    }
  }

  /** The earliest caller audio a turn may still ask for: the turn under way, waiting turns, VAD lag. */
  private neededFromMs(): number {
    let from = this.now - IDLE_RETAIN_MS - this.deps.options.minSpeechMs;
    const open = this.endpointer?.openStartMs;
    if (open !== null && open !== undefined) from = Math.min(from, open);
    for (const p of this.queue) if (p.kind === 'speech') from = Math.min(from, p.startMs);
    return from - this.deps.options.prerollMs;
  }

  private heard(pcm: Buffer): void {
    if (!this.endpointer) return;
    const now = this.now;
    for (const e of this.endpointer.push(pcm, now)) this.onUtterance(e);
    const cur = this.current;
    if (cur && !cur.finished && !cur.generating && cur.playEndMs !== null) {
      if (now >= cur.playEndMs + this.deps.options.markGraceMs) {
        this.log.warn('mark not echoed in time: the turn counts as played', { mark: cur.markName });
        this.turnPlayed(cur);
      }
    }
    if (this.listenSince !== null && now - this.listenSince >= this.deps.options.noInputMs) {
      this.enqueue({ kind: 'no_input', sinceMs: this.listenSince, atMs: now, wall: performance.now() });
    }
  }

  private onUtterance(e: UtteranceEvent): void {
    switch (e.type) {
      case 'start': {
        this.giveUpEarly();
        this.listenSince = null;
        const cur = this.current;
        this.ignoring = !!cur && !cur.finished && !cur.bargeIn;
        if (cur && !cur.finished && cur.bargeIn) this.bargeIn(cur);
        return;
      }
      case 'pause':
        return this.recogniseEarly(e);
      case 'end': {
        const early = this.claimEarly(e);
        if (this.ignoring) {
          early?.abort.abort();
          this.ignoring = false;
          this.maybeListen();
          return;
        }
        this.enqueue({
          kind: 'speech',
          startMs: e.startMs,
          endMs: e.endMs,
          detectedAtMs: e.detectedAtMs,
          wall: performance.now(),
          ...(early ? { early } : {}),
        });
        return;
      }
      default:
        e satisfies never;
    }
  }

  /**
   * The caller paused: recognition starts now with the audio so far (the turn's grammar as the bot
   * listens now), so that most of it is done when the endpointing silence has passed.
   */
  private recogniseEarly(e: Extract<UtteranceEvent, { type: 'pause' }>): void {
    this.giveUpEarly();
    if (this.ignoring) return;
    const { prerollMs, endpointingMs } = this.deps.options;
    const pcm = this.caller.slice(e.startMs - prerollMs, e.atMs);
    // Its result is needed once the endpointing silence has passed: it is late only past that.
    const leadMs = Math.max(0, endpointingMs - (e.atMs - e.endMs));
    const at = { startMs: e.startMs, endMs: e.endMs, pcm, sampleRate: this.caller.sampleRate, leadMs };
    this.early = recogniseEarly(this.deps.speech.asr, at, this.listen, this.log);
  }

  /** The early recognition of exactly this turn's speech, if any; any other is given up. */
  private claimEarly(e: Extract<UtteranceEvent, { type: 'end' }>): EarlyRecognition | undefined {
    const early = this.early;
    this.early = undefined;
    if (early && !e.cut && early.startMs === e.startMs && early.endMs === e.endMs) return early;
    early?.abort.abort();
    return undefined;
  }

  private giveUpEarly(): void {
    this.early?.abort.abort();
    this.early = undefined;
  }

  private onDtmf(frame: DtmfFrame): void {
    if (this.phase !== 'active') return;
    const cur = this.current;
    if (cur && !cur.finished) {
      if (!cur.bargeIn) return this.log.info('key press ignored while the bot talks', { digit: frame.digit });
      this.bargeIn(cur);
    }
    this.enqueue({ kind: 'dtmf', digit: frame.digit, atMs: this.now, wall: performance.now() });
  }

  private onMark(frame: InboundMarkFrame): void {
    const cur = this.current;
    if (!cur || cur.finished || frame.name !== cur.markName) return;
    this.turnPlayed(cur);
  }

  private bargeIn(cur: SpokenTurn): void {
    cur.interrupted = true;
    cur.abort.abort();
    this.speaker.clear(this.now);
    this.transcript.finished(cur, this.now);
    // A streamed turn not decided yet is 'continue': its decision, when it comes, ends the call.
    if (cur.action !== 'continue') this.hangUp(cur.action === 'transfer' ? 'transfer' : 'bot_hangup');
  }

  private turnPlayed(cur: SpokenTurn): void {
    this.transcript.finished(cur, Math.max(cur.playEndMs ?? this.now, cur.startMs ?? 0));
    if (cur.action === 'continue') this.maybeListen();
    else this.hangUp(cur.action === 'transfer' ? 'transfer' : 'bot_hangup');
  }

  private enqueue(p: Pending): void {
    this.listenSince = null;
    this.queue.push(p);
    this.kick();
  }

  private kick(): void {
    // Once the bot has hung up (the socket is closing), what the caller still says is not a turn.
    if (this.working || this.phase !== 'active' || this.closeReason !== undefined) return;
    const next = this.queue.shift();
    if (!next) return;
    this.working = true;
    this.runTurn(next)
      .catch((err: unknown) => {
        this.log.error('voicebot turn failed: hanging up', { err });
        this.hangUp('error');
      })
      .finally(() => {
        this.working = false;
        this.kick();
        this.maybeListen();
      });
  }

  /** Starts the no-input clock once the bot has finished and nothing else is pending. */
  private maybeListen(): void {
    if (this.phase !== 'active' || this.working || this.queue.length > 0 || this.endpointer?.speaking) return;
    const cur = this.current;
    if (!cur?.finished || cur.action !== 'continue' || this.listenSince !== null) return;
    this.listenSince = this.now;
  }

  private async runTurn(p: Pending): Promise<void> {
    const dialog = this.dialog;
    if (!dialog) return;
    const { caller, listen, log } = this;
    const heard = await hear(p, {
      caller,
      listen,
      log,
      asr: this.deps.speech.asr,
      prerollMs: this.deps.options.prerollMs,
    });
    if (heard.line) this.transcript.add({ ...heard.line, turn: this.voice.count });
    if (this.phase !== 'active') return;
    const t1 = performance.now();
    this.timedLlm?.beginTurn();
    const voice = this.voice.next(this.deps.options.streamLlmText);
    const turn = heard.input ? await dialog.handle(heard.input, voice.speech) : await dialog.start();
    const dialogMs = performance.now() - t1;
    if (this.phase !== 'active') return;
    if (turn.action !== 'continue') {
      this.decision = turn.action === 'transfer' ? 'agent' : 'none';
      this.deps.observer.decided(this.decision);
    }
    if (turn.listen) this.listen = turn.listen;
    const spoken = await voice.speak(turn);
    this.deps.observer.metrics(
      turnMetrics(heard, spoken, dialogMs, this.timedLlm?.turnMetrics(), p.wall, this.conn.sampleRate),
    );
  }

  /** The caller is talking, or their input is waiting: a turn that allows barge-in does not talk over them. */
  private get callerBusy(): boolean {
    return (!!this.endpointer?.speaking && !this.ignoring) || this.queue.length > 0;
  }

  /** A turn that may not be interrupted: pending inputs go, and speech already under way is not a turn. */
  private holdCaller(): void {
    this.queue.length = 0;
    if (this.endpointer?.speaking) this.ignoring = true;
  }

  /** The bot ends its side of the call: closing the socket is the only hang-up the protocol has. */
  private hangUp(reason: string): void {
    this.closeReason ??= reason;
    if (this.conn.isOpen) void this.conn.close(reason === 'error' ? CLOSE_INTERNAL_ERROR : 1000, reason);
    else this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.phase === 'ended') return;
    const cur = this.current;
    if (cur && !cur.finished) {
      cur.interrupted = true;
      cur.abort.abort();
      this.transcript.finished(cur, Math.min(this.now, cur.playEndMs ?? this.now));
    }
    // A turn spoken ahead that the dialog never finished: what was said so far.
    if (cur) this.transcript.botLine(cur, this.now);
    this.phase = 'ended';
    this.giveUpEarly();
    this.endpointer?.close(this.now);
    if (this.conn.isOpen) void this.conn.close(1000, this.closeReason ?? reason);
    if (!this.recorded) return this.resolveDone();
    const end: SessionEndInfo = {
      reason: this.closeReason ?? reason,
      disposition: this.machine ? 'machine' : (this.dialog?.disposition ?? null),
      transfer: this.decision,
      durationMs: this.now,
      turns: this.voice.count,
      sampleRate: this.conn.sampleRate,
    };
    this.deps.observer
      .ended(end)
      .catch((err: unknown) => this.log.error('voicebot session records failed', { err }))
      .finally(() => this.resolveDone());
  }
}
