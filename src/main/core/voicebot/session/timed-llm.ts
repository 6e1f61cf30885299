import type { ChatRequest, ChatResult, Llm, ToolCall } from '../../speech';
import type { DialogLlm } from '../dialog';

/**
 * The dialog's LLM, streamed so the turn's metrics get the time to the first token as well as the
 * total model time (a dialog turn may take several rounds: time to the first token counts the model
 * time of the rounds before it). Text deltas are passed on as they arrive, for speaking ahead.
 */
export class TimedLlm implements DialogLlm {
  private firstMs: number | null = null;
  private totalMs = 0;
  private used = false;

  constructor(private readonly llm: Llm) {}

  /** Starts a new turn's measurements. */
  beginTurn(): void {
    this.firstMs = null;
    this.totalMs = 0;
    this.used = false;
  }

  /** This turn's figures, or nulls when the dialog did not call the model. */
  turnMetrics(): { firstTokenMs: number | null; totalMs: number | null } {
    return this.used
      ? { firstTokenMs: this.firstMs, totalMs: this.totalMs }
      : { firstTokenMs: null, totalMs: null };
  }

  /** Streams the reply; each text delta also goes to `onText` as it arrives (speaking ahead). */
  async complete(request: ChatRequest, onText?: (delta: string) => void): Promise<ChatResult> {
    this.used = true;
    const t0 = performance.now();
    let text = '';
    const toolCalls: ToolCall[] = [];
    let finishReason = 'stop';
    try {
      for await (const chunk of this.llm.chat(request)) {
        if (chunk.type !== 'done') this.firstMs ??= this.totalMs + performance.now() - t0;
        if (chunk.type === 'text') {
          text += chunk.text;
          onText?.(chunk.text);
        } else if (chunk.type === 'tool_call') toolCalls.push(chunk.call);
        else finishReason = chunk.finishReason;
      }
    } finally {
      this.totalMs += performance.now() - t0;
    }
    return { text, toolCalls, finishReason };
  }
}
