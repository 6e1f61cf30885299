import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  Asr,
  Llm,
  SpeechError,
  Tts,
  type AsrResult,
  type Audio,
  type ChatRequest,
  type LlmChunk,
  type RawLlmChunk,
  type RecognizeOptions,
  type SynthesizeOptions,
} from '../../speech';
import type { PacingClock } from '../../stream';
import type { SessionSpeech } from '../../voicebot';

/**
 * Counts the in-process bot's speech work under way (recognising, synthesising, generating). The
 * runner lets media time run only while the count is zero, so a bot that thinks for a second of wall
 * time still answers at the same media time as on a phone line where it thought instantly: the
 * conversation, and every latency measured from it, does not depend on the machine's speed.
 */
export class BotWork {
  private count = 0;
  private waiters: (() => void)[] = [];

  get busy(): boolean {
    return this.count > 0;
  }

  begin(): void {
    this.count++;
  }

  end(): void {
    this.count = Math.max(0, this.count - 1);
    if (this.count > 0) return;
    for (const w of this.waiters.splice(0)) w();
  }

  private idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Resolves once the bot has nothing in hand: frames already sent were delivered (a turn of the event
   * loop each way) and no speech call is running, twice in a row.
   */
  async quiet(): Promise<void> {
    for (;;) {
      await nextTurn();
      await nextTurn();
      if (!this.busy) return;
      await this.idle();
    }
  }

  /** A pacing clock for the caller: as fast as the bot consumes audio, never while it works. */
  clock(): PacingClock {
    return { live: false, begin() {}, waitUntil: () => this.quiet() };
  }

  /** The bot's speech providers, their work counted. */
  track(speech: SessionSpeech): SessionSpeech {
    return {
      vad: speech.vad,
      asr: new CountedAsr(speech.asr, this),
      tts: new CountedTts(speech.tts, this),
      ...(speech.llm ? { llm: new CountedLlm(speech.llm, this) } : {}),
    };
  }
}

class CountedAsr extends Asr {
  readonly provider: string;
  constructor(
    private readonly inner: Asr,
    private readonly work: BotWork,
  ) {
    super();
    this.provider = inner.provider;
  }
  override async recognize(audio: Audio, options: RecognizeOptions = {}): Promise<AsrResult> {
    this.work.begin();
    try {
      return await this.inner.recognize(audio, options);
    } finally {
      this.work.end();
    }
  }
  protected run(): Promise<AsrResult> {
    return Promise.reject(
      new SpeechError('bad_input', 'asr', this.provider, 'not called: recognize delegates'),
    );
  }
}

class CountedTts extends Tts {
  readonly provider: string;
  constructor(
    private readonly inner: Tts,
    private readonly work: BotWork,
  ) {
    super();
    this.provider = inner.provider;
  }
  override async *synthesize(text: string, options: SynthesizeOptions): AsyncGenerator<Buffer> {
    // Counted while the provider makes the next chunk, not while the session uses the last one.
    const it = this.inner.synthesize(text, options)[Symbol.asyncIterator]();
    for (;;) {
      this.work.begin();
      let next: IteratorResult<Buffer>;
      try {
        next = await it.next();
      } finally {
        this.work.end();
      }
      if (next.done) return;
      yield next.value;
    }
  }
  protected run(): AsyncIterable<Audio> {
    throw new SpeechError('bad_input', 'tts', this.provider, 'not called: synthesize delegates');
  }
}

class CountedLlm extends Llm {
  readonly provider: string;
  constructor(
    private readonly inner: Llm,
    private readonly work: BotWork,
  ) {
    super();
    this.provider = inner.provider;
  }
  override async *chat(request: ChatRequest): AsyncGenerator<LlmChunk> {
    const it = this.inner.chat(request)[Symbol.asyncIterator]();
    for (;;) {
      this.work.begin();
      let next: IteratorResult<LlmChunk>;
      try {
        next = await it.next();
      } finally {
        this.work.end();
      }
      if (next.done) return;
      yield next.value;
    }
  }
  protected run(): AsyncIterable<RawLlmChunk> {
    throw new SpeechError('bad_input', 'llm', this.provider, 'not called: chat delegates');
  }
}
