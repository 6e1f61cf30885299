import { EventEmitter } from 'node:events';
import type { Logger } from '../logging';
import { outgoingChunkProblem } from './framer';
import { DEFAULT_SAMPLE_RATE, type SampleRate } from './protocol';
import type {
  DtmfFrame,
  InboundFrame,
  InboundMarkFrame,
  MediaFrame,
  OutboundFrame,
  StartFrame,
  StopFrame,
} from './schemas';
import { StreamProtocolError, type StreamCloseInfo } from './stream-connection';

/** What the bot's end of a call hears: Exotel's frames, typed, then the end of the call. */
export type MediaPortEvents = {
  start: [StartFrame];
  media: [MediaFrame];
  dtmf: [DtmfFrame];
  mark: [InboundMarkFrame];
  stop: [StopFrame];
  close: [StreamCloseInfo];
};

/**
 * The bot's end of one call, whatever carries it: an Exotel WebSocket (StreamConnection) or an
 * in-process caller (createMediaPair). It is all a VoicebotSession needs. Sending before `start`, or a
 * media chunk that breaks Exotel's size rules, throws StreamProtocolError on every carrier, so a bot
 * that works in process works on the wire.
 */
export interface MediaPort {
  readonly sampleRate: SampleRate;
  readonly isOpen: boolean;
  on(event: 'start', listener: (frame: StartFrame) => void): unknown;
  on(event: 'media', listener: (frame: MediaFrame) => void): unknown;
  on(event: 'dtmf', listener: (frame: DtmfFrame) => void): unknown;
  on(event: 'mark', listener: (frame: InboundMarkFrame) => void): unknown;
  on(event: 'stop', listener: (frame: StopFrame) => void): unknown;
  on(event: 'close', listener: (info: StreamCloseInfo) => void): unknown;
  once(event: 'start', listener: (frame: StartFrame) => void): unknown;
  once(event: 'close', listener: (info: StreamCloseInfo) => void): unknown;
  /** One chunk that obeys the size rules; false once the call is closed. */
  sendMediaChunk(chunk: Buffer): boolean;
  sendMark(name: string): boolean;
  /** Barge-in: the caller's side drops the audio it has queued. */
  sendClear(): boolean;
  /** Hangs up: closing is the only hang-up the protocol has. */
  close(code?: number, reason?: string): Promise<StreamCloseInfo>;
}

/** What the caller's end hears: the bot's frames (with the stream sid), then the end of the call. */
export type CallerPortEvents = {
  frame: [OutboundFrame];
  media: [Extract<OutboundFrame, { event: 'media' }>];
  mark: [Extract<OutboundFrame, { event: 'mark' }>];
  clear: [Extract<OutboundFrame, { event: 'clear' }>];
  close: [StreamCloseInfo];
};

/** The caller's (Exotel's) end of an in-process call: sends Exotel's frames, hears the bot's. */
export interface CallerPort {
  readonly sampleRate: SampleRate;
  readonly isOpen: boolean;
  readonly closed: Promise<StreamCloseInfo>;
  on<E extends keyof CallerPortEvents>(event: E, listener: (...args: CallerPortEvents[E]) => void): unknown;
  once<E extends keyof CallerPortEvents>(event: E, listener: (...args: CallerPortEvents[E]) => void): unknown;
  off<E extends keyof CallerPortEvents>(event: E, listener: (...args: CallerPortEvents[E]) => void): unknown;
  /** Queues one frame for the bot (delivered in order, on a later turn of the event loop). */
  send(frame: InboundFrame): boolean;
  close(code?: number, reason?: string): Promise<StreamCloseInfo>;
}

export interface MediaPair {
  bot: MediaPort;
  caller: CallerPort;
}

export interface MediaPairOptions {
  sampleRate?: SampleRate;
  logger?: Logger;
}

/** Close code when the bot's handling of a frame threw (as on the wire: that call ends, nothing else). */
const INTERNAL_ERROR = 1011;

/** One call's shared state: both ends close together, once. */
class Line {
  closeInfo?: StreamCloseInfo;
  closedBy?: 'bot' | 'caller';
  readonly closed: Promise<StreamCloseInfo>;
  private resolveClosed!: (info: StreamCloseInfo) => void;
  private readonly onClose: ((info: StreamCloseInfo) => void)[] = [];

  constructor() {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get open(): boolean {
    return this.closeInfo === undefined;
  }

  whenClosed(fn: (info: StreamCloseInfo) => void): void {
    this.onClose.push(fn);
  }

  /** Like a socket: the close is seen by both ends on a later turn, after frames already delivered. */
  close(by: 'bot' | 'caller', code: number, reason: string): Promise<StreamCloseInfo> {
    if (this.closeInfo) return this.closed;
    const info = { code, reason };
    this.closeInfo = info;
    this.closedBy = by;
    setImmediate(() => {
      for (const fn of this.onClose) fn(info);
      this.resolveClosed(info);
    });
    return this.closed;
  }
}

class BotEnd extends EventEmitter<MediaPortEvents> implements MediaPort {
  private startFrame?: StartFrame;
  private failed = false;

  constructor(
    readonly sampleRate: SampleRate,
    private readonly line: Line,
    private readonly toCaller: (frame: OutboundFrame) => void,
    private readonly logger?: Logger,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.line.open;
  }

  /** Called by the caller's end, frame by frame, in order. A listener that throws ends this call (1011). */
  deliver(frame: InboundFrame): void {
    // Once the bot hangs up nothing more is read; what the caller sent before hanging up still arrives.
    if (this.line.closedBy === 'bot' || this.failed) return;
    try {
      this.dispatch(frame);
    } catch (err) {
      if (this.failed) return;
      this.failed = true;
      this.logger?.error('stream session failed: closing it', { err, streamSid: this.startFrame?.streamSid });
      void this.line.close('bot', INTERNAL_ERROR, 'internal error');
    }
  }

  private dispatch(frame: InboundFrame): void {
    switch (frame.event) {
      case 'connected':
        return;
      case 'start':
        this.startFrame = frame;
        this.emit('start', frame);
        return;
      case 'media':
        this.emit('media', frame);
        return;
      case 'dtmf':
        this.emit('dtmf', frame);
        return;
      case 'mark':
        this.emit('mark', frame);
        return;
      case 'stop':
        this.emit('stop', frame);
        return;
    }
  }

  private sid(): string {
    const sid = this.startFrame?.streamSid;
    if (!sid) throw new StreamProtocolError('cannot send before the start frame (no stream_sid yet)');
    return sid;
  }

  sendMediaChunk(chunk: Buffer): boolean {
    const problem = outgoingChunkProblem(chunk.length, this.sampleRate);
    if (problem) throw new StreamProtocolError(`outgoing media chunk: ${problem}`);
    const streamSid = this.sid();
    if (!this.line.open) return false;
    this.toCaller({ event: 'media', streamSid, payload: Buffer.from(chunk) });
    return true;
  }

  sendMark(name: string): boolean {
    const streamSid = this.sid();
    if (!this.line.open) return false;
    this.toCaller({ event: 'mark', streamSid, name });
    return true;
  }

  sendClear(): boolean {
    const streamSid = this.sid();
    if (!this.line.open) return false;
    this.toCaller({ event: 'clear', streamSid });
    return true;
  }

  close(code = 1000, reason = 'bot hangup'): Promise<StreamCloseInfo> {
    return this.line.close('bot', code, reason);
  }
}

class CallerEnd extends EventEmitter<CallerPortEvents> implements CallerPort {
  constructor(
    readonly sampleRate: SampleRate,
    private readonly line: Line,
    private readonly toBot: (frame: InboundFrame) => void,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.line.open;
  }

  get closed(): Promise<StreamCloseInfo> {
    return this.line.closed;
  }

  send(frame: InboundFrame): boolean {
    if (!this.line.open) return false;
    this.toBot(frame.event === 'media' ? { ...frame, payload: Buffer.from(frame.payload) } : frame);
    return true;
  }

  /** Called by the bot's end. */
  hear(frame: OutboundFrame): void {
    this.emit('frame', frame);
    switch (frame.event) {
      case 'media':
        this.emit('media', frame);
        return;
      case 'mark':
        this.emit('mark', frame);
        return;
      case 'clear':
        this.emit('clear', frame);
        return;
    }
  }

  close(code = 1000, reason = 'caller hangup'): Promise<StreamCloseInfo> {
    return this.line.close('caller', code, reason);
  }
}

/**
 * A bot end and a caller end joined in one process, no socket: what one sends the other hears, in
 * order, on a later turn of the event loop (as a socket delivers it), so neither side's handlers run
 * inside the other's. Nothing here paces audio: a caller may send a minute of speech at once, and the
 * bot (which counts media time) behaves as it would in real time.
 */
export function createMediaPair(options: MediaPairOptions = {}): MediaPair {
  const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const line = new Line();
  const toBot = new Delivery<InboundFrame>((f) => bot.deliver(f));
  const toCaller = new Delivery<OutboundFrame>((f) => caller.hear(f));
  const bot = new BotEnd(sampleRate, line, (f) => toCaller.push(f), options.logger);
  const caller = new CallerEnd(sampleRate, line, (f) => toBot.push(f));
  line.whenClosed((info) => {
    // What was already sent arrives before the close, as on a socket.
    toBot.drain();
    toCaller.drain();
    bot.emit('close', info);
    caller.emit('close', info);
  });
  return { bot, caller };
}

/** An in-order queue drained on the next turn of the event loop (like a socket read). */
class Delivery<T> {
  private readonly queue: T[] = [];
  private scheduled = false;

  constructor(private readonly handle: (item: T) => void) {}

  push(item: T): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  drain(): void {
    this.scheduled = false;
    // Items pushed while draining wait for the next turn, so a reply never overtakes its cause.
    for (const item of this.queue.splice(0)) this.handle(item);
  }
}
