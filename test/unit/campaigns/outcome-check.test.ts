import { describe, expect, it } from 'vitest';
import { outcomeFlags, type AttemptRecord } from '../../../src/main/core/campaigns/outcome-check';

const good: AttemptRecord = {
  view: {
    state: 'completed',
    durationSec: 42,
    answeredBy: 'human',
    answeredAt: '2026-01-05T10:00:00.000Z',
    stream: 'ended',
    transferDecision: 'none',
    price: 0.5,
  },
  agentLeg: false,
  bot: { disposition: 'confirmed', endedBy: 'bot' },
};
const with_ = (v: Partial<AttemptRecord['view']>, r: Partial<AttemptRecord> = {}): AttemptRecord => ({
  ...good,
  ...r,
  view: { ...good.view, ...v },
});

describe('outcome check', () => {
  it('flags nothing on a call where carrier and bot agree', () => {
    expect(outcomeFlags(good)).toEqual([]);
    expect(outcomeFlags(with_({ transferDecision: 'agent' }, { agentLeg: true }))).toEqual([]);
    expect(
      outcomeFlags(
        with_({ state: 'busy', durationSec: 0, answeredAt: null, stream: 'none', price: 0 }, { bot: null }),
      ),
    ).toEqual([]);
  });

  it('flags each mismatch', () => {
    expect(outcomeFlags(with_({ durationSec: 3 }))).toEqual(['completed_under_5s']);
    expect(outcomeFlags(with_({ transferDecision: 'agent' }))).toEqual(['transfer_without_agent']);
    expect(
      outcomeFlags(with_({ state: 'no_answer', answeredAt: null, durationSec: null, price: 0 })),
    ).toEqual(['bot_ended_but_no_answer']);
    expect(outcomeFlags(with_({ answeredBy: 'machine' }))).toEqual(['machine_answered']);
    expect(outcomeFlags(with_({ stream: 'none' }, { bot: null }))).toEqual(['answered_without_stream']);
    expect(
      outcomeFlags(with_({ stream: 'none', durationSec: 2, transferDecision: 'agent' }, { bot: null })),
    ).toEqual(['completed_under_5s', 'transfer_without_agent', 'answered_without_stream']);
  });

  it('flags a price charged for a call the carrier reports as not answered', () => {
    const unanswered = { answeredAt: null, durationSec: null, stream: 'none' as const };
    for (const state of ['busy', 'no_answer', 'failed', 'canceled'] as const)
      expect(outcomeFlags(with_({ ...unanswered, state, price: 0.5 }, { bot: null }))).toEqual([
        'charged_without_answer',
      ]);
    expect(outcomeFlags(with_({ durationSec: 0 }))).toEqual(['completed_under_5s', 'charged_without_answer']);
    // Not charged, or not priced yet: nothing to say.
    expect(outcomeFlags(with_({ ...unanswered, state: 'busy', price: 0 }, { bot: null }))).toEqual([]);
    expect(outcomeFlags(with_({ ...unanswered, state: 'busy', price: null }, { bot: null }))).toEqual([]);
  });
});
