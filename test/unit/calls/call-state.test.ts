import { describe, expect, it } from 'vitest';
import {
  applyInput,
  INITIAL_VIEW,
  reduceCall,
  type CallInput,
} from '../../../src/main/core/calls/call-state';

const at = (i: number) => `2026-01-05T10:00:${String(i).padStart(2, '0')}.000Z`;
const run = (...inputs: CallInput[]) => reduceCall(inputs.map((input, i) => ({ input, at: at(i) })));

describe('call state machine', () => {
  it('walks the happy path to completed', () => {
    const { view, outcomes } = run(
      { type: 'dial_requested' },
      { type: 'provider_accepted', providerSid: 'CA1' },
      { type: 'ringing' },
      { type: 'answered', answeredBy: 'human' },
      { type: 'ended', status: 'completed', durationSec: 30 },
    );
    expect(view).toMatchObject({
      state: 'completed',
      providerSid: 'CA1',
      answeredBy: 'human',
      durationSec: 30,
    });
    expect(view.answeredAt).toBe(at(3));
    expect(view.endedAt).toBe(at(4));
    expect(outcomes.every((o) => o.applied)).toBe(true);
  });

  it('keeps terminal states final', () => {
    const { view, outcomes } = run(
      { type: 'dial_requested' },
      { type: 'ended', status: 'busy' },
      { type: 'answered' },
      { type: 'ended', status: 'completed' },
      { type: 'cancel_requested', reason: 'operator' },
    );
    expect(view.state).toBe('busy');
    expect(outcomes.slice(2)).toEqual([
      { applied: false, reason: 'call already busy' },
      { applied: false, reason: 'call already busy' },
      { applied: false, reason: 'call already busy' },
    ]);
  });

  it('never moves backwards, but late facts fill gaps', () => {
    const { view, outcomes } = run(
      { type: 'dial_requested' },
      { type: 'flow_linked', providerSid: 'CA9' },
      { type: 'ringing' },
      { type: 'answered', answeredBy: 'machine' },
    );
    expect(view.state).toBe('in_progress');
    expect(view.providerSid).toBe('CA9');
    expect(outcomes[2]).toEqual({ applied: false, reason: 'already in_progress' });
    expect(outcomes[3]).toEqual({ applied: true });
    expect(view.answeredBy).toBe('machine');
  });

  it('goes through agent_transfer to completed', () => {
    const { view } = run(
      { type: 'dial_requested' },
      { type: 'answered' },
      { type: 'transfer_decided', decision: 'agent' },
      { type: 'agent_transfer' },
      { type: 'ended', status: 'completed' },
    );
    expect(view).toMatchObject({ state: 'completed', transferDecision: 'agent' });
  });

  it('fails on rejection, and on a network error only when the request never left', () => {
    expect(
      run({ type: 'dial_requested' }, { type: 'provider_rejected', message: 'bad number', status: 400 }).view,
    ).toMatchObject({
      state: 'failed',
      endReason: 'bad number',
    });
    expect(
      run(
        { type: 'dial_requested' },
        { type: 'provider_unreachable', mayHaveReached: false, message: 'refused' },
      ).view.state,
    ).toBe('failed');
    const maybe = run(
      { type: 'dial_requested' },
      { type: 'provider_unreachable', mayHaveReached: true, message: 'timeout' },
    );
    expect(maybe.view.state).toBe('dialing');
    expect(maybe.outcomes[1]).toEqual({ applied: false, reason: 'may have reached the provider: reconcile' });
  });

  it('lets an operator cancel before answer but not after', () => {
    expect(run({ type: 'dial_requested' }, { type: 'cancel_requested', reason: 'stop' }).view.state).toBe(
      'canceled',
    );
    expect(
      run({ type: 'dial_requested' }, { type: 'answered' }, { type: 'cancel_requested', reason: 'stop' }).view
        .state,
    ).toBe('in_progress');
  });

  it('refuses a second, different provider id', () => {
    const first = applyInput(INITIAL_VIEW, { type: 'provider_accepted', providerSid: 'A' }, at(0));
    const second = applyInput(first.view, { type: 'provider_accepted', providerSid: 'B' }, at(1));
    expect(second.view.providerSid).toBe('A');
    expect(second.outcome.applied).toBe(false);
  });
});
