import { EventEmitter } from 'node:events';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../logging';
import { encodeOutboundFrame, parseInboundFrame, type StreamFrameError } from './codec';
import { outgoingChunkProblem, PcmFramer } from './framer';
import type { MediaPort } from './media-port';
import { pcmDurationMs, type SampleRate } from './protocol';
import type {
  ConnectedFrame,
  DtmfFrame,
  InboundFrame,
  InboundMarkFrame,
  MediaFrame,
  StartFrame,
  StopFrame,
} from './schemas';

/** The bot tried something the protocol forbids (a bug on our side, not bad input). */
export class StreamProtocolError extends Error {
  override readonly name = 'StreamProtocolError';
}

export interface StreamCloseInfo {
  code: number;
  reason: string;
}

export type StreamConnectionEvents = {
  /** Every valid inbound frame, in order (the specific events below fire right after it). */
  frame: [InboundFrame];
  connected: [ConnectedFrame];
  start: [StartFrame];
  media: [MediaFrame];
  dtmf: [DtmfFrame];
  mark: [InboundMarkFrame];
  stop: [StopFrame];
  /** A malformed or unknown frame: already dropped (and logged if a logger was given). */
  frameError: [StreamFrameError];
  /** The socket failed; `close` follows. */
  transportError: [Error];
  close: [StreamCloseInfo];
};

export interface StreamConnectionOptions {
  /** From the upgrade URL's `?sample-rate=` (see sampleRateFromUrl). */
  sampleRate: SampleRate;
  logger?: Logger;
  /** Size of outgoing chunks while streaming (ms); see PcmFramer. */
  chunkMs?: number;
  /** After we close, how long the peer has to answer our close frame before the socket is cut. */
  closeGraceMs?: number;
}

/** Exotel answers a close frame at once; a peer that does not is cut off after this (ws waits 30 s). */
export const DEFAULT_CLOSE_GRACE_MS = 2000;
/** Close code when handling a frame threw: the session ends, the process and other sessions go on. */
const INTERNAL_ERROR = 1011;

/**
 * The bot's side of one Exotel stream: typed inbound frames as events, and media / mark / clear out
 * in the exact documented form. Bad frames are reported and dropped; the connection goes on.
 * It is the session's boundary: an exception thrown by a listener while it handles a frame closes
 * this connection (1011, logged once) and never reaches the socket (where it would end the process).
 * Once we close, no further frame is delivered, and a peer that ignores our close is cut off.
 * It is the MediaPort of a call carried by a real socket.
 */
export class StreamConnection extends EventEmitter<StreamConnectionEvents> implements MediaPort {
  readonly sampleRate: SampleRate;
  private readonly framer: PcmFramer;
  private readonly logger?: Logger;
  private startFrame?: StartFrame;
  private closeInfo?: StreamCloseInfo;
  private receivedBytes = 0;
  private sentBytes = 0;
  /** We closed (or are closing): nothing the peer sends is delivered any more. */
  private closing = false;
  private failed = false;
  private readonly closeGraceMs: number;
  readonly closed: Promise<StreamCloseInfo>;

  constructor(
    private readonly socket: WebSocket,
    options: StreamConnectionOptions,
  ) {
    super();
    this.sampleRate = options.sampleRate;
    this.logger = options.logger;
    this.closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
    this.framer = new PcmFramer({ sampleRate: options.sampleRate, chunkMs: options.chunkMs });
    this.closed = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        this.closing = true;
        this.closeInfo = { code, reason: reason.toString('utf8') };
        try {
          this.emit('close', this.closeInfo);
        } catch (err) {
          this.logger?.error('stream session failed while ending', { err });
        }
        resolve(this.closeInfo);
      });
    });
    // Binary frames are parsed too: some senders put the same JSON in binary frames.
    socket.on('message', (data: RawData) => {
      if (this.closing) return;
      try {
        this.onMessage(data);
      } catch (err) {
        this.fail(err);
      }
    });
    socket.on('error', (err: Error) => {
      this.logger?.warn('stream socket error', { error: err });
      this.emit('transportError', err);
    });
  }

  /** The `start` frame, once it has arrived. */
  get start(): StartFrame | undefined {
    return this.startFrame;
  }

  get streamSid(): string | undefined {
    return this.startFrame?.streamSid;
  }

  get isOpen(): boolean {
    return this.closeInfo === undefined && this.socket.readyState === this.socket.OPEN;
  }

  /** Media time: ms of caller audio received so far (counted in samples, not wall time). */
  get receivedMs(): number {
    return pcmDurationMs(this.receivedBytes, this.sampleRate);
  }

  /** Ms of bot audio sent so far. */
  get sentMs(): number {
    return pcmDurationMs(this.sentBytes, this.sampleRate);
  }

  /** Bytes queued in the socket, for back-pressure. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** A listener threw while handling a frame: this session ends, once, and nothing else does. */
  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.logger?.error('stream session failed: closing it', { err, streamSid: this.streamSid });
    void this.close(INTERNAL_ERROR, 'internal error');
  }

  private onMessage(data: RawData): void {
    const parsed = parseInboundFrame(data);
    if (!parsed.ok) {
      this.logger?.warn('dropped a bad stream frame', {
        kind: parsed.error.kind,
        error: parsed.error.message,
        excerpt: parsed.error.excerpt,
      });
      this.emit('frameError', parsed.error);
      return;
    }
    const frame = parsed.frame;
    if (frame.event === 'start') {
      this.startFrame = frame;
      if (frame.streamSidFromCallSid) {
        this.logger?.warn('start frame has no stream_sid: replying with the call sid as the stream sid', {
          callSid: frame.callSid,
        });
      }
      if (frame.mediaFormat.sampleRate !== this.sampleRate) {
        this.logger?.warn('start.media_format.sample_rate differs from the URL; using the URL', {
          urlRate: this.sampleRate,
          startRate: frame.mediaFormat.sampleRate,
        });
      }
    }
    if (frame.event === 'media') this.receivedBytes += frame.payload.length;
    this.emit('frame', frame);
    switch (frame.event) {
      case 'connected':
        this.emit('connected', frame);
        break;
      case 'start':
        this.emit('start', frame);
        break;
      case 'media':
        this.emit('media', frame);
        break;
      case 'dtmf':
        this.emit('dtmf', frame);
        break;
      case 'mark':
        this.emit('mark', frame);
        break;
      case 'stop':
        this.emit('stop', frame);
        break;
    }
  }

  private requireSid(): string {
    const sid = this.startFrame?.streamSid;
    if (!sid) throw new StreamProtocolError('cannot send before the start frame (no stream_sid yet)');
    return sid;
  }

  private send(text: string): boolean {
    if (!this.isOpen) return false;
    this.socket.send(text, (err) => {
      if (err) this.emit('transportError', err);
    });
    return true;
  }

  /** Sends one chunk that already obeys the size rules. Returns false if the socket is closed. */
  sendMediaChunk(chunk: Buffer): boolean {
    const problem = outgoingChunkProblem(chunk.length, this.sampleRate);
    if (problem) throw new StreamProtocolError(`outgoing media chunk: ${problem}`);
    const sent = this.send(encodeOutboundFrame({ event: 'media', payload: chunk }, this.requireSid()));
    if (sent) this.sentBytes += chunk.length;
    return sent;
  }

  /** Streams arbitrary PCM: sends every full chunk now, keeps the rest for the next call or flush. */
  sendAudio(pcm: Buffer): number {
    const chunks = this.framer.push(pcm);
    for (const chunk of chunks) this.sendMediaChunk(chunk);
    return chunks.length;
  }

  /** Sends the buffered remainder, padded with silence (end of a bot turn, before its mark). */
  flushAudio(): number {
    const chunks = this.framer.flush();
    for (const chunk of chunks) this.sendMediaChunk(chunk);
    return chunks.length;
  }

  sendMark(name: string): boolean {
    return this.send(encodeOutboundFrame({ event: 'mark', name }, this.requireSid()));
  }

  /** Barge-in: Exotel drops queued audio; unsent buffered audio is dropped here too. */
  sendClear(): boolean {
    this.framer.reset();
    return this.send(encodeOutboundFrame({ event: 'clear' }, this.requireSid()));
  }

  /** Hangs up (there is no in-band hangup: closing the socket ends the bot's part of the call). */
  close(code = 1000, reason = 'bot hangup'): Promise<StreamCloseInfo> {
    this.closing = true;
    if (this.closeInfo === undefined && this.socket.readyState <= this.socket.OPEN) {
      this.socket.close(code, reason);
      const cut = setTimeout(() => this.socket.terminate(), this.closeGraceMs);
      cut.unref();
      void this.closed.then(() => clearTimeout(cut));
    }
    return this.closed;
  }
}
