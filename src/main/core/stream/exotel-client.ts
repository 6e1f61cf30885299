import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket, { type RawData } from 'ws';
import { encodeInboundFrame, parseOutboundFrame, type StreamFrameError } from './codec';
import { outgoingChunkProblem } from './framer';
import { PacedLine } from './paced-line';
import { pacingClock, type Pacing, type PacingClock } from './pacing';
import { BotPlayback, type PendingMark, type ScheduledAudio } from './playback';
import { ASSUMPTIONS, INBOUND_CHUNK_MS, MAX_STREAM_MS, type SampleRate } from './protocol';
import type { CallerPort } from './media-port';
import { sampleRateFromUrl } from './sample-rate';
import type { InboundFrame, OutboundFrame } from './schemas';

export class StreamConnectError extends Error {
  override readonly name = 'StreamConnectError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ExotelStreamClientOptions {
  /** The bot's stream URL (connect); unused over an in-process port (overPort). */
  url: string;
  /** Upgrade headers, e.g. `Authorization: Basic …` as Exotel sends for wss://KEY:TOKEN@host URLs. */
  headers?: Record<string, string>;
  /** Defaults to the URL's `?sample-rate=` (8000). */
  sampleRate?: SampleRate;
  callSid?: string;
  streamSid?: string;
  accountSid?: string;
  from?: string;
  to?: string;
  customParameters?: Record<string, string>;
  /** Real time, N× real time, or as fast as possible (media-time tests). Default real time. */
  pacing?: Pacing | PacingClock;
  /** Send silence whenever the caller has nothing queued, like a live phone line. Default: clock.live. */
  continuous?: boolean;
  /** The stream stops (reason `stopped`) at this media time. Default 60 minutes, Exotel's cap. */
  maxDurationMs?: number;
  handshakeTimeoutMs?: number;
}

export type ExotelStreamClientEvents = {
  /** Bot audio, scheduled on the phone's playback timeline (media time). */
  botMedia: [ScheduledAudio];
  /** The bot sent a mark (its turn's audio is all queued), at the current media time. */
  botMark: [{ name: string; atMs: number }];
  /** A mark echoed back to the bot, at the media time its audio finished playing. */
  mark: [PendingMark];
  clear: [{ atMs: number; droppedMs: number }];
  /** A frame from the bot that is not valid JSON / not a known event (dropped). */
  frameError: [StreamFrameError];
  /** A valid frame that breaks a protocol rule (chunk size, stream_sid); still played. */
  protocolError: [string];
  /** Media time advanced by one chunk sent. */
  tick: [number];
  transportError: [Error];
  close: [{ code: number; reason: string; by: 'bot' | 'client' }];
};

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** What carries the client's frames: a WebSocket to the bot, or the caller end of an in-process pair. */
interface ClientTransport {
  readonly open: boolean;
  send(frame: InboundFrame, onError: (err: Error) => void): void;
  close(code: number, reason: string): void;
}

/**
 * Exotel's side of a voicebot stream, for the sandbox and the QA runner: connects, sends connected and
 * start, sends caller audio every 100 ms of media (paced by a clock), dtmf, echoes the bot's marks when
 * its queued audio has played (in media time), honours clear, and sends stop on hangup.
 */
export class ExotelStreamClient extends EventEmitter<ExotelStreamClientEvents> {
  readonly sampleRate: SampleRate;
  readonly streamSid: string;
  readonly callSid: string;
  readonly echoedMarks: string[] = [];
  readonly closed: Promise<{ code: number; reason: string; by: 'bot' | 'client' }>;
  private readonly continuous: boolean;
  private readonly playback: BotPlayback;
  private readonly line: PacedLine;
  private sequence: number = ASSUMPTIONS.firstSequenceNumber;
  private chunk: number = ASSUMPTIONS.chunkNumberingStartsAt;
  private closing: 'bot' | 'client' = 'bot';
  private isClosed = false;

  private constructor(
    private readonly transport: ClientTransport,
    private readonly options: ExotelStreamClientOptions,
    sampleRate: SampleRate,
    closed: Promise<{ code: number; reason: string }>,
  ) {
    super();
    this.sampleRate = sampleRate;
    this.streamSid = options.streamSid ?? `MZ${hex(15)}`;
    this.callSid = options.callSid ?? hex(16);
    const pacing = options.pacing ?? 'realtime';
    const clock = typeof pacing === 'object' && 'waitUntil' in pacing ? pacing : pacingClock(pacing);
    this.continuous = options.continuous ?? clock.live;
    this.playback = new BotPlayback(sampleRate);
    this.line = new PacedLine(
      sampleRate,
      clock,
      this.continuous,
      options.maxDurationMs ?? MAX_STREAM_MS,
      {
        isOpen: () => this.isOpen,
        media: (pcm, endMs) => this.sendMedia(pcm, endMs),
        dtmf: (digit, durationMs) =>
          this.sendFrame({
            event: 'dtmf',
            sequenceNumber: this.sequence++,
            streamSid: this.streamSid,
            digit,
            durationMs,
          }),
        expired: () => this.hangup('stopped'),
      },
      (err) => this.emit('transportError', err),
    );
    this.closed = closed.then(({ code, reason }) => {
      this.isClosed = true;
      this.line.hangUp();
      const info = { code, reason, by: this.closing };
      this.emit('close', info);
      return info;
    });
  }

  /**
   * Exotel's side over an in-process port (createMediaPair's caller end): the same frames, marks and
   * playback model as over a socket, with no socket; `options.url` is not used.
   */
  static overPort(
    port: CallerPort,
    options: Omit<ExotelStreamClientOptions, 'url' | 'sampleRate'>,
  ): ExotelStreamClient {
    const transport: ClientTransport = {
      get open() {
        return port.isOpen;
      },
      send: (frame) => void port.send(frame),
      close: (code, reason) => void port.close(code, reason),
    };
    const client = new ExotelStreamClient(transport, { ...options, url: '' }, port.sampleRate, port.closed);
    port.on('frame', (frame) => client.onFrame(frame));
    client.begin();
    return client;
  }

  /** Opens the WebSocket and sends `connected` then `start`. */
  static async connect(options: ExotelStreamClientOptions): Promise<ExotelStreamClient> {
    let sampleRate = options.sampleRate;
    if (sampleRate === undefined) {
      const fromUrl = sampleRateFromUrl(options.url);
      if (!fromUrl.ok) throw new StreamConnectError(fromUrl.error);
      sampleRate = fromUrl.sampleRate;
    }
    const socket = new WebSocket(options.url, {
      headers: options.headers,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    });
    const transport: ClientTransport = {
      get open() {
        return socket.readyState === WebSocket.OPEN;
      },
      send: (frame, onError) =>
        socket.send(encodeInboundFrame(frame), (err) => {
          if (err) onError(err);
        }),
      close: (code, reason) => socket.close(code, reason),
    };
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once('close', (code: number, reason: Buffer) =>
        resolve({ code, reason: reason.toString('utf8') }),
      ),
    );
    const client = new ExotelStreamClient(transport, options, sampleRate, closed);
    socket.on('message', (data: RawData) => client.onMessage(data));
    socket.on('error', (err: Error) => client.emit('transportError', err));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', (err: Error) => reject(new StreamConnectError(err.message)));
      socket.once('unexpected-response', (req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        req.destroy();
        reject(new StreamConnectError(`stream upgrade refused: HTTP ${status}`, status));
      });
    });
    client.begin();
    return client;
  }

  /** Media time: ms of caller audio sent so far (the call's clock). */
  get mediaMs(): number {
    return this.line.sentMs;
  }

  get isOpen(): boolean {
    return !this.isClosed && this.transport.open;
  }

  /** True while bot audio is still playing at the current media time. */
  get botSpeaking(): boolean {
    return this.playback.isPlaying(this.line.sentMs);
  }

  private begin(): void {
    const o = this.options;
    this.sendFrame({ event: 'connected' });
    this.sendFrame({
      event: 'start',
      sequenceNumber: this.sequence++,
      streamSid: this.streamSid,
      callSid: this.callSid,
      accountSid: o.accountSid ?? 'calldeck',
      from: o.from ?? '',
      to: o.to ?? '',
      customParameters: o.customParameters ?? {},
      mediaFormat: { encoding: 'raw/slin', sampleRate: this.sampleRate, bitRate: '128kbps' },
    });
    this.line.start();
  }

  /** Queues caller audio (PCM16LE at the stream's rate); resolves true once all of it was sent. */
  say(pcm: Buffer): Promise<boolean> {
    return this.line.say(pcm);
  }

  /** Queues `ms` of silence (rounded up to 100 ms chunks). */
  silence(ms: number): Promise<boolean> {
    return this.line.silence(ms);
  }

  /** Queues a key press after the audio already queued. */
  dtmf(digit: string, durationMs = 100): Promise<boolean> {
    return this.line.dtmf(digit, durationMs);
  }

  /**
   * Lets media time run (sending silence when the line is not live) until `condition` holds or
   * `maxMediaMs` more media time has passed. Returns whether the condition held.
   */
  async runUntil(condition: () => boolean, maxMediaMs: number): Promise<boolean> {
    const limit = this.line.sentMs + maxMediaMs;
    while (!condition()) {
      if (!this.isOpen || this.line.sentMs >= limit) return condition();
      if (!this.line.idle) await this.nextTick();
      else await this.silence(INBOUND_CHUNK_MS);
    }
    return true;
  }

  /** Runs media time until the bot's mark `name` has been echoed. */
  untilMark(name: string, maxMediaMs: number): Promise<boolean> {
    return this.runUntil(() => this.echoedMarks.includes(name), maxMediaMs);
  }

  /** The caller hangs up: `stop` (reason callended), then close. */
  async hangup(reason: 'callended' | 'stopped' = 'callended'): Promise<void> {
    if (this.isOpen) {
      this.closing = 'client';
      this.sendFrame({
        event: 'stop',
        sequenceNumber: this.sequence++,
        streamSid: this.streamSid,
        callSid: this.callSid,
        accountSid: this.options.accountSid ?? 'calldeck',
        reason,
      });
      this.transport.close(1000, reason);
    }
    await this.closed;
  }

  private nextTick(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.off('tick', done);
        this.off('close', done);
        resolve();
      };
      this.once('tick', done);
      this.once('close', done);
    });
  }

  private sendMedia(pcm: Buffer, endMs: number): void {
    this.sendFrame({
      event: 'media',
      sequenceNumber: this.sequence++,
      streamSid: this.streamSid,
      chunk: this.chunk++,
      timestamp: ASSUMPTIONS.timestampIsChunkEnd ? endMs : endMs - INBOUND_CHUNK_MS,
      payload: pcm,
    });
    for (const mark of this.playback.advance(endMs)) this.echoMark(mark);
    this.emit('tick', endMs);
  }

  private sendFrame(frame: InboundFrame): void {
    this.transport.send(frame, (err) => {
      if (!this.isClosed) this.emit('transportError', err);
    });
  }

  private echoMark(mark: PendingMark): void {
    if (!this.isOpen) return;
    this.sendFrame({
      event: 'mark',
      sequenceNumber: this.sequence++,
      streamSid: this.streamSid,
      name: mark.name,
    });
    this.echoedMarks.push(mark.name);
    this.emit('mark', mark);
  }

  private onMessage(data: RawData): void {
    const parsed = parseOutboundFrame(data);
    if (!parsed.ok) {
      this.emit('frameError', parsed.error);
      return;
    }
    this.onFrame(parsed.frame);
  }

  private onFrame(frame: OutboundFrame): void {
    if (frame.streamSid !== undefined && frame.streamSid !== this.streamSid) {
      this.emit(
        'protocolError',
        `"${frame.event}" frame for stream ${frame.streamSid}, not ${this.streamSid}`,
      );
    }
    switch (frame.event) {
      case 'media': {
        const problem = outgoingChunkProblem(frame.payload.length, this.sampleRate);
        if (problem) this.emit('protocolError', `bot media chunk: ${problem}`);
        this.emit('botMedia', this.playback.enqueueAudio(frame.payload, this.line.sentMs));
        break;
      }
      case 'mark':
        this.emit('botMark', { name: frame.name, atMs: this.line.sentMs });
        for (const mark of this.playback.enqueueMark(frame.name, this.line.sentMs)) this.echoMark(mark);
        break;
      case 'clear': {
        const { droppedMs, marks } = this.playback.clear(this.line.sentMs);
        this.emit('clear', { atMs: this.line.sentMs, droppedMs });
        if (ASSUMPTIONS.echoMarksOnClear) for (const mark of marks) this.echoMark(mark);
        break;
      }
    }
  }
}
