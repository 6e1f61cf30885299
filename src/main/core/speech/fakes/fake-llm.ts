import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { SpeechError } from '../errors';
import { Llm, type ChatRequest, type RawLlmChunk } from '../llm';
import type { MetricsSink } from '../metrics';

/** A pause in a scripted stream: the next piece is sent once it resolves (a gate the test opens). */
export type FakePause = () => Promise<void>;

export interface FakeReply {
  text?: string;
  /**
   * The text as exact pieces, streamed in order (instead of `text`, a word at a time); a function is a
   * pause: awaited before the next piece, so a test can hold the rest of a reply.
   */
  stream?: (string | FakePause)[];
  /** `arguments` as an object (serialised) or a raw string (to test malformed model output). */
  toolCalls?: { name: string; arguments: Record<string, unknown> | string }[];
  /** After the text, the model fails with this message (no tool calls, no `done`). */
  failAfterText?: string;
}

type Step = FakeReply | ((request: ChatRequest) => FakeReply);
/** A list of replies used in order, or one function that answers every request. */
export type FakeLlmScript = Step[] | ((request: ChatRequest) => FakeReply);

export interface FakeLlmOptions {
  /**
   * Wall-clock pacing like a real model (for benchmarks only: tests stay on the event loop): the time
   * to the first token, then a token rate. A word of `text` (or a piece of `stream`) is one token.
   */
  pace?: { firstTokenMs: number; tokensPerSecond: number };
}

/** Scripted replies, streamed a word at a time (or in scripted pieces), then tool calls, then `done`. */
export class FakeLlm extends Llm {
  readonly provider = 'fake';
  readonly requests: ChatRequest[] = [];
  private next = 0;

  constructor(
    private readonly script: FakeLlmScript,
    metrics?: MetricsSink,
    private readonly options: FakeLlmOptions = {},
  ) {
    super(metrics);
  }

  protected async *run(request: ChatRequest): AsyncIterable<RawLlmChunk> {
    this.requests.push(request);
    const step = typeof this.script === 'function' ? this.script : this.script[this.next];
    this.next++;
    if (step === undefined)
      throw new SpeechError('provider', 'llm', this.provider, 'the script has no more replies');
    const reply = typeof step === 'function' ? step(request) : step;
    const pieces = reply.stream ?? (reply.text ?? '').split(/(?<= )/);
    const pace = this.options.pace;
    if (pace) await sleep(pace.firstTokenMs);
    for (const piece of pieces) {
      if (typeof piece === 'function') {
        await piece();
        continue;
      }
      if (piece) yield { type: 'text', text: piece };
      await (pace ? sleep(1000 / pace.tokensPerSecond) : yieldToLoop());
    }
    if (reply.failAfterText !== undefined)
      throw new SpeechError('provider', 'llm', this.provider, reply.failAfterText);
    let n = 0;
    for (const call of reply.toolCalls ?? []) {
      const argumentsJson =
        typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
      yield { type: 'tool_call', id: `call_${this.next}_${n++}`, name: call.name, argumentsJson };
    }
    yield { type: 'done', finishReason: reply.toolCalls?.length ? 'tool_calls' : 'stop' };
  }
}
