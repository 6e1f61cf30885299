import { describe, expect, it } from 'vitest';
import {
  applyInput,
  INITIAL_VIEW,
  reduceCall,
  type CallInput,
  type CallView,
} from '../../../src/main/core/calls/call-state';
import { callDetailsInput, statusCallbackInput } from '../../../src/main/core/calls/call-state-inputs';
import type { ExotelCall, StatusCallback } from '../../../src/main/core/telephony';

const at = (i: number) => `2026-01-05T10:00:${String(i).padStart(2, '0')}.000Z`;
const run = (...inputs: CallInput[]) => reduceCall(inputs.map((input, i) => ({ input, at: at(i) })));

const live: CallInput[] = [
  { type: 'dial_requested' },
  { type: 'provider_accepted', providerSid: 'CA1' },
  { type: 'answered', answeredBy: 'human' },
  { type: 'stream_started' },
];

describe('callbacks that contradict the stream', () => {
  it('a terminal callback during a live stream is disputed, whatever its status', () => {
    for (const status of ['busy', 'no_answer', 'failed', 'canceled', 'completed'] as const) {
      const { view, outcomes } = run(...live, { type: 'ended', status });
      expect(view).toMatchObject({ state: 'in_progress', stream: 'live', endedAt: null });
      expect(outcomes.at(-1)).toEqual({
        applied: false,
        reason: 'contradicts live stream; confirming with provider',
        disputed: true,
      });
    }
  });

  it('after the stream, completed applies but "never answered" statuses are still disputed', () => {
    const ended: CallInput[] = [...live, { type: 'stream_ended', disconnectedBy: 'bot' }];
    expect(run(...ended, { type: 'ended', status: 'completed', durationSec: 40 }).view).toMatchObject({
      state: 'completed',
      durationSec: 40,
      stream: 'ended',
    });
    for (const status of ['busy', 'no_answer', 'failed'] as const) {
      const { view, outcomes } = run(...ended, { type: 'ended', status });
      expect(view.state).toBe('in_progress');
      expect(outcomes.at(-1)).toMatchObject({ applied: false, disputed: true });
      expect(outcomes.at(-1)).toHaveProperty(
        'reason',
        'contradicts the stream we saw; confirming with provider',
      );
    }
  });

  it('busy after an answer (no stream yet) is disputed; failed is not', () => {
    const answered: CallInput[] = [{ type: 'dial_requested' }, { type: 'answered' }];
    expect(run(...answered, { type: 'ended', status: 'busy' }).outcomes.at(-1)).toMatchObject({
      applied: false,
      reason: 'contradicts the answer we saw; confirming with provider',
    });
    expect(run(...answered, { type: 'ended', status: 'failed' }).view.state).toBe('failed');
    // Nothing seen yet: a busy callback is simply the call's end.
    expect(
      run({ type: 'dial_requested' }, { type: 'ringing' }, { type: 'ended', status: 'busy' }).view.state,
    ).toBe('busy');
  });

  it("the provider's report is trusted, even during a live stream, and terminal states stay final", () => {
    const confirmed = run(
      ...live,
      { type: 'ended', status: 'busy' },
      { type: 'provider_reported', status: 'busy' },
    );
    expect(confirmed.view).toMatchObject({ state: 'busy', endReason: 'busy', endedAt: at(5) });
    expect(confirmed.outcomes.at(-1)).toEqual({ applied: true });

    const refuted = run(
      ...live,
      { type: 'ended', status: 'busy' },
      { type: 'provider_reported', status: 'in_progress', answeredBy: 'human' },
    );
    expect(refuted.view.state).toBe('in_progress');
    expect(refuted.outcomes.at(-1)).toEqual({
      applied: false,
      reason: 'provider reports the call in-progress',
    });

    const final = run(
      { type: 'dial_requested' },
      { type: 'ended', status: 'no_answer' },
      { type: 'provider_reported', status: 'completed' },
    );
    expect(final.view.state).toBe('no_answer');
    expect(final.outcomes.at(-1)).toEqual({ applied: false, reason: 'call already no_answer' });
  });

  it('a ringing report moves a dialing call on, and says so when it changes nothing', () => {
    expect(run({ type: 'dial_requested' }, { type: 'provider_reported', status: 'ringing' }).view.state).toBe(
      'ringing',
    );
    const { outcomes } = run(...live, { type: 'provider_reported', status: 'ringing' });
    expect(outcomes.at(-1)).toEqual({ applied: false, reason: 'provider reports the call ringing' });
  });
});

describe('the stream in the state machine', () => {
  it('a caller who hangs up during the bot ends the call completed', () => {
    const { view } = run(...live, { type: 'stream_ended', disconnectedBy: 'user' });
    expect(view).toMatchObject({ state: 'completed', stream: 'ended', endReason: null, endedAt: at(4) });
    // Exotel's own callback afterwards brings the duration and changes nothing else.
    const later = run(
      ...live,
      { type: 'stream_ended', disconnectedBy: 'user' },
      { type: 'ended', status: 'completed', durationSec: 31 },
    );
    expect(later.view).toMatchObject({ state: 'completed', durationSec: 31, endedAt: at(4) });
  });

  it('the bot ending its stream leaves the call going (the flow may connect an agent)', () => {
    const { view } = run(
      ...live,
      { type: 'stream_ended', disconnectedBy: 'bot' },
      { type: 'agent_transfer' },
    );
    expect(view).toMatchObject({ state: 'agent_transfer', stream: 'ended' });
  });

  it('a stream end without a start, or twice, changes nothing; a second stream is live again', () => {
    expect(
      run({ type: 'dial_requested' }, { type: 'stream_ended', disconnectedBy: null }).outcomes[1],
    ).toEqual({
      applied: false,
      reason: 'no stream started',
    });
    const twice = run(
      ...live,
      { type: 'stream_ended', disconnectedBy: null },
      { type: 'stream_ended', disconnectedBy: null },
    );
    expect(twice.outcomes.at(-1)).toEqual({ applied: false, reason: 'stream already ended' });
    expect(
      run(...live, { type: 'stream_ended', disconnectedBy: 'bot' }, { type: 'stream_started' }).view.stream,
    ).toBe('live');
  });

  it('the fold is the same one input at a time as all at once (the stored view is only a cache)', () => {
    const inputs: CallInput[] = [
      ...live,
      { type: 'ended', status: 'busy' },
      { type: 'provider_reported', status: 'in_progress' },
      { type: 'transfer_decided', decision: 'none' },
      { type: 'stream_ended', disconnectedBy: 'bot' },
      { type: 'ended', status: 'completed', durationSec: 12 },
    ];
    let view: CallView = INITIAL_VIEW;
    inputs.forEach((input, i) => (view = applyInput(view, input, at(i)).view));
    expect(view).toEqual(run(...inputs).view);
    expect(view).toMatchObject({ state: 'completed', transferDecision: 'none', durationSec: 12 });
  });
});

describe('mapping to inputs', () => {
  const cb = (over: Partial<StatusCallback>): StatusCallback => ({
    callSid: 'CA1',
    eventType: 'answered',
    status: 'in-progress',
    customField: null,
    from: null,
    to: null,
    dateCreated: null,
    dateUpdated: null,
    startTime: null,
    endTime: null,
    conversationDurationSec: null,
    recordingUrl: null,
    legs: [],
    answeredBy: null,
    ...over,
  });

  it('dedupe keys come from small sets: varying an ignored field mints no new key', () => {
    const keys = new Set(
      ['in-progress', 'x1', 'x2', 'anything'].map((status) => {
        const m = statusCallbackInput(cb({ status }));
        return m.ok ? m.dedupeKey : m.error;
      }),
    );
    expect([...keys]).toEqual(['status:answered:']);
    const terminal = statusCallbackInput(cb({ eventType: 'terminal', status: 'constructor' }));
    expect(terminal).toEqual({ ok: false, error: '"constructor" is not a terminal call status' });
  });

  it("maps the call-details API's Call object to a trusted report", () => {
    const call = (Status: string, extra: Partial<ExotelCall> = {}): ExotelCall => ({
      Sid: 'CA1',
      Status,
      ...extra,
    });
    expect(callDetailsInput(call('in-progress', { AnsweredBy: 'Human' }))).toEqual({
      ok: true,
      input: {
        type: 'provider_reported',
        status: 'in_progress',
        durationSec: null,
        answeredBy: 'human',
        price: null,
      },
      dedupeKey: 'api:details:in_progress',
    });
    expect(callDetailsInput(call('no-answer', { Details: { ConversationDuration: 0 } }))).toMatchObject({
      ok: true,
      input: { status: 'no_answer', durationSec: null },
    });
    expect(callDetailsInput(call('completed', { Details: { ConversationDuration: '42' } }))).toMatchObject({
      input: { status: 'completed', durationSec: 42 },
    });
    expect(callDetailsInput(call('toString'))).toEqual({
      ok: false,
      error: '"toString" is not a call status',
    });
  });

  it("reads Exotel's Price once it settles, under a key of its own", () => {
    const call = (Price: ExotelCall['Price']): ExotelCall => ({ Sid: 'CA1', Status: 'completed', Price });
    const unpriced = callDetailsInput(call(null));
    const priced = callDetailsInput(call('0.50'));
    expect(unpriced).toMatchObject({ input: { price: null }, dedupeKey: 'api:details:completed' });
    expect(priced).toMatchObject({ input: { price: 0.5 }, dedupeKey: 'api:details:completed:priced' });
    expect(callDetailsInput(call('0.00'))).toMatchObject({ input: { price: 0 } });
    expect(callDetailsInput(call(1.2))).toMatchObject({ input: { price: 1.2 } });
    for (const odd of ['', 'n/a', '-1', -1])
      expect(callDetailsInput(call(odd))).toMatchObject({ input: { price: null } });
  });

  it('the price fills after the end, once, without moving the state', () => {
    const ended: CallInput[] = [...live, { type: 'stream_ended', disconnectedBy: 'user' }];
    const before = run(...ended, { type: 'provider_reported', status: 'completed', durationSec: 40 });
    expect(before.view).toMatchObject({ state: 'completed', price: null });
    const later = run(
      ...ended,
      { type: 'provider_reported', status: 'completed', durationSec: 40 },
      { type: 'provider_reported', status: 'completed', durationSec: 40, price: 0.5 },
      { type: 'provider_reported', status: 'completed', durationSec: 40, price: 0.7 },
    );
    expect(later.view).toMatchObject({ state: 'completed', durationSec: 40, price: 0.5 });
    expect(later.outcomes.slice(-2).map((o) => o.applied)).toEqual([true, false]);
    // A price on a report whose status the state machine ignores (the call ended otherwise) still lands.
    const canceled = run(
      { type: 'dial_requested' },
      { type: 'cancel_requested', reason: 'operator' },
      { type: 'provider_reported', status: 'no_answer', price: 0 },
    );
    expect(canceled.view).toMatchObject({ state: 'canceled', price: 0 });
  });
});
