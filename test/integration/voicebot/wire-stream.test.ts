import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeLlm, type FakeLlmScript } from '../../../src/main/core/speech/testing';
import { outgoingChunkProblem } from '../../../src/main/core/stream';
import type { SessionOptionsInput } from '../../../src/main/core/voicebot';
import {
  clear,
  mark,
  turnFrames,
  makeWireRig,
  RATE,
  RawExotel,
  repoRoot,
  type WireRig,
} from './wire-harness';

// An LLM bot speaks its reply sentence by sentence while the model is still generating it. The fake
// model holds the rest of its reply behind a gate until the test has seen the first sentence's audio
// on the wire, so "spoken before the model finished" is observed, not inferred from timings.

let rig: WireRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const borrower = { name: 'Ravi', loan_id: '1 2 3', amount_due: '500 rupees', due_date: 'Friday' };
const FALLBACK = 'Sorry, I did not quite get that. Could you say it again?';

/** A gate the fake model waits on, opened by the test. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open };
}

async function llmCall(script: FakeLlmScript, asr: string[], session?: SessionOptionsInput) {
  const llm = new FakeLlm(script);
  rig = await makeWireRig(asr, {
    botFile: path.join(repoRoot, 'resources/bots/collections-llm.yaml'),
    llm,
    testVariables: borrower,
    ...(session ? { session } : {}),
  });
  const c = await RawExotel.connect(rig.streamUrl);
  c.begin();
  await c.untilMark('turn-1');
  c.echoMark('turn-1');
  const afterGreeting = c.received.length;
  c.speak(800);
  c.silence(500);
  return { r: rig, c, llm, afterGreeting };
}

function mediaSince(c: RawExotel, from: number): Buffer[] {
  return c.frames
    .slice(from)
    .filter((f) => f.event === 'media')
    .map((f) => Buffer.from(f.media?.payload ?? '', 'base64'));
}

async function ended(r: WireRig, c: RawExotel) {
  await c.closed;
  await r.voicebot.idle();
  const [summary] = r.records.sessions();
  const detail = summary && r.records.session(summary.id);
  if (!detail) throw new Error('no session recorded');
  return detail;
}

describe('LLM bot speaking ahead on the wire (real ws server, fake speech)', () => {
  it('sends the first sentence as media before the model has finished; one mark; the transcript is the reply', async () => {
    const hold = gate();
    const reply = 'Thank you, Ravi. We will call you again on Friday.';
    const { r, c, afterGreeting } = await llmCall(
      [{ stream: ['Thank you, ', 'Ravi. ', hold.wait, 'We will call you ', 'again on Friday.'] }],
      ['I will pay on Friday'],
    );
    // Sentence one is ~0.6 s of audio: two 200 ms chunks leave while the model is held.
    await c.until(() => mediaSince(c, afterGreeting).length >= 2, 'media of sentence one');
    expect(c.summary(afterGreeting)).toMatch(/^media(×\d+)?$/);
    expect(r.tts.texts.slice(1)).toEqual(['Thank you, Ravi.']);
    await new Promise((resolve) => setTimeout(resolve, 150)); // the model is slow: its total time shows it
    hold.open();
    await c.untilMark('turn-2');
    // Back to back through one framer: the same bytes as the whole reply said at once, and one mark.
    expect(c.received.slice(afterGreeting)).toEqual(await turnFrames(reply, 'turn-2'));
    expect(r.tts.texts.slice(1)).toEqual(['Thank you, Ravi.', 'We will call you again on Friday.']);
    for (const pcm of mediaSince(c, 0)) expect(outgoingChunkProblem(pcm.length, RATE)).toBeUndefined();

    c.echoMark('turn-2');
    c.stop();
    const detail = await ended(r, c);
    const bot2 = detail.lines.find((l) => l.speaker === 'bot' && l.turn === 2);
    expect(bot2).toMatchObject({ text: reply, interrupted: false, state: 'conversation' });
    const m = detail.metrics[1];
    if (!m?.responseMs || !m.llmTotalMs || !m.voiceToVoiceMs) throw new Error('turn 2 metrics missing');
    expect(m.llmFirstTokenMs).not.toBeNull();
    // The first audio left while the model was still held: voice-to-voice does not wait for it.
    expect(m.responseMs).toBeLessThan(m.llmTotalMs);
    expect(m.voiceToVoiceMs).toBeCloseTo((m.endpointingMs ?? NaN) + m.responseMs, 6);
  });

  it('with streamLlmText off, nothing is spoken until the whole reply is in (same frames)', async () => {
    const hold = gate();
    const reply = 'Thank you, Ravi. We will call you again on Friday.';
    const { r, c, llm, afterGreeting } = await llmCall(
      [{ stream: ['Thank you, Ravi. ', hold.wait, 'We will call you again on Friday.'] }],
      ['I will pay on Friday'],
      { streamLlmText: false },
    );
    await c.until(() => llm.requests.length === 1, 'the model request');
    await new Promise((resolve) => setTimeout(resolve, 200)); // bounded: plenty for sentence one's audio
    expect(c.received.length).toBe(afterGreeting);
    hold.open();
    await c.untilMark('turn-2');
    expect(c.received.slice(afterGreeting)).toEqual(await turnFrames(reply, 'turn-2'));
    expect(r.tts.texts.slice(1)).toEqual([reply]);
    c.close();
    await ended(r, c);
  });

  it('barge-in mid-stream: clear, the later sentences are never spoken, the turn is recorded interrupted', async () => {
    const hold = gate();
    const reply = 'Your payment of 500 rupees is due on Friday. Can you pay it by then?';
    const { r, c, llm, afterGreeting } = await llmCall(
      [
        { stream: ['Your payment of 500 rupees is due on Friday. ', hold.wait, 'Can you pay it by then?'] },
        { text: 'Okay, I will wait.' },
      ],
      ['hello', 'stop please'],
    );
    await c.until(() => mediaSince(c, afterGreeting).length >= 1, 'media of sentence one');
    c.speak(600); // over sentence one, while the model is still held
    c.silence(500);
    await c.until(() => c.received.includes(clear), 'clear');
    hold.open();
    await c.untilMark('turn-3');
    const after = c.received.slice(afterGreeting);
    const clearAt = after.indexOf(clear);
    expect(after.slice(0, clearAt).every((f) => f.startsWith('{"event":"media"'))).toBe(true);
    expect(after.slice(clearAt + 1)).toEqual(await turnFrames('Okay, I will wait.', 'turn-3'));
    expect(c.received).not.toContain(mark('turn-2'));
    expect(r.tts.texts).not.toContain('Can you pay it by then?');
    // The model heard its whole reply as said (the dialog's history), as without streaming.
    expect(llm.requests[1]?.messages.at(-2)).toEqual({ role: 'assistant', content: reply });

    c.echoMark('turn-3');
    c.stop();
    const detail = await ended(r, c);
    expect(detail.lines.map((l) => [l.turn, l.speaker, l.text, l.interrupted])).toEqual([
      [1, 'bot', expect.stringContaining('Hello') as unknown, false],
      [1, 'caller', 'hello', false],
      [2, 'bot', reply, true],
      [2, 'caller', 'stop please', false],
      [3, 'bot', 'Okay, I will wait.', false],
    ]);
  });

  it('a model error after the first sentence: what was said stays, the fallback follows in the same turn', async () => {
    const hold = gate();
    const said = `Your payment is noted. ${FALLBACK}`;
    const { r, c, afterGreeting } = await llmCall(
      [
        {
          stream: ['Your payment is noted. ', hold.wait, 'We will call you'],
          failAfterText: 'connection reset',
        },
      ],
      ['I will pay on Friday'],
    );
    await c.until(() => mediaSince(c, afterGreeting).length >= 1, 'media of sentence one');
    hold.open();
    await c.untilMark('turn-2');
    expect(c.received.slice(afterGreeting)).toEqual(await turnFrames(said, 'turn-2'));
    expect(r.tts.texts.slice(1)).toEqual(['Your payment is noted.', FALLBACK]); // never the cut sentence
    c.echoMark('turn-2');
    c.stop();
    const detail = await ended(r, c);
    expect(detail.lines.find((l) => l.speaker === 'bot' && l.turn === 2)).toMatchObject({
      text: said,
      interrupted: false,
    });
    expect(r.logs.some((l) => l.message === 'LLM turn failed; speaking the fallback line')).toBe(true);
  });

  it('a goodbye spoken ahead with end_call: decided when the model ends, the call ends after the mark', async () => {
    const hold = gate();
    const goodbye = 'Thank you for your time, Ravi. Goodbye.';
    const { r, c, afterGreeting } = await llmCall(
      [
        { toolCalls: [{ name: 'set_disposition', arguments: { disposition: 'promised_to_pay' } }] },
        {
          stream: ['Thank you for your time, Ravi. ', hold.wait, 'Goodbye.'],
          toolCalls: [{ name: 'end_call', arguments: { reason: 'done' } }],
        },
      ],
      ['I will pay on Friday'],
    );
    await c.until(() => mediaSince(c, afterGreeting).length >= 1, 'media of the goodbye');
    expect(r.decisions).toEqual(['stream_started']); // not decided while the model still talks
    hold.open();
    await c.untilMark('turn-2');
    expect(r.decisions).toEqual(['stream_started', 'none']);
    expect(c.received.slice(afterGreeting)).toEqual(await turnFrames(goodbye, 'turn-2'));
    expect(c.isOpen).toBe(true); // the goodbye has not played yet
    c.echoMark('turn-2');
    expect(await c.closed).toEqual({ code: 1000, reason: 'bot_hangup' });
    const detail = await ended(r, c);
    expect(detail.session).toMatchObject({ endReason: 'bot_hangup', disposition: 'promised_to_pay' });
    expect(detail.lines.at(-1)).toMatchObject({ speaker: 'bot', turn: 2, text: goodbye, state: 'ended' });
  });

  it('barge-in over a goodbye spoken ahead: once the model decides to end the call, it ends at once', async () => {
    const hold = gate();
    const goodbye = 'Thank you for your time, Ravi. Goodbye.';
    const { r, c, afterGreeting } = await llmCall(
      [
        {
          stream: ['Thank you for your time, Ravi. ', hold.wait, 'Goodbye.'],
          toolCalls: [{ name: 'end_call', arguments: {} }],
        },
      ],
      ['I will pay on Friday', 'wait'],
    );
    await c.until(() => mediaSince(c, afterGreeting).length >= 1, 'media of the goodbye');
    c.speak(600); // the provisional turn allows barge-in: the model has not said it ends the call yet
    c.silence(500);
    await c.until(() => c.received.includes(clear), 'clear');
    hold.open();
    expect(await c.closed).toEqual({ code: 1000, reason: 'bot_hangup' });
    expect(c.received).not.toContain(mark('turn-2'));
    const detail = await ended(r, c);
    expect(r.decisions).toEqual(['stream_started', 'none']);
    expect(detail.lines.at(-1)).toMatchObject({ speaker: 'bot', text: goodbye, interrupted: true });
    // The words over the goodbye were never a turn (recognition may have started at their pause).
    expect(detail.lines.filter((l) => l.speaker === 'caller')).toHaveLength(1);
  });

  it('the call ends while the model is still generating: the line keeps what was said so far', async () => {
    const hold = gate();
    const { r, c, afterGreeting } = await llmCall(
      [{ stream: ['Your payment is noted. ', hold.wait, 'We will call you on Friday.'] }],
      ['I will pay on Friday'],
    );
    await c.until(() => mediaSince(c, afterGreeting).length >= 1, 'media of sentence one');
    c.stop();
    const detail = await ended(r, c);
    hold.open();
    expect(detail.session.endReason).toBe('caller_hangup');
    expect(detail.lines.at(-1)).toMatchObject({
      speaker: 'bot',
      turn: 2,
      text: 'Your payment is noted.',
      interrupted: true,
      state: null,
    });
  });
});
