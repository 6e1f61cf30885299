import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { SpeechError } from '../errors';
import { Llm, type ChatRequest, type RawLlmChunk } from '../llm';
import type { MetricsSink } from '../metrics';

export interface FakeReply {
  text?: string;
  /** `arguments` as an object (serialised) or a raw string (to test malformed model output). */
  toolCalls?: { name: string; arguments: Record<string, unknown> | string }[];
}

type Step = FakeReply | ((request: ChatRequest) => FakeReply);
/** A list of replies used in order, or one function that answers every request. */
export type FakeLlmScript = Step[] | ((request: ChatRequest) => FakeReply);

/** Scripted replies, streamed a word at a time, then tool calls, then `done`. */
export class FakeLlm extends Llm {
  readonly provider = 'fake';
  readonly requests: ChatRequest[] = [];
  private next = 0;

  constructor(
    private readonly script: FakeLlmScript,
    metrics?: MetricsSink,
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
    const words = (reply.text ?? '').split(/(?<= )/);
    for (const w of words) {
      if (w) yield { type: 'text', text: w };
      await yieldToLoop();
    }
    let n = 0;
    for (const call of reply.toolCalls ?? []) {
      const argumentsJson =
        typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
      yield { type: 'tool_call', id: `call_${this.next}_${n++}`, name: call.name, argumentsJson };
    }
    yield { type: 'done', finishReason: reply.toolCalls?.length ? 'tool_calls' : 'stop' };
  }
}
