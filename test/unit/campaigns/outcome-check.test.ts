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
      outcomeFlags(with_({ state: 'busy', durationSec: 0, answeredAt: null, stream: 'none' }, { bot: null })),
    ).toEqual([]);
  });

  it('flags each mismatch', () => {
    expect(outcomeFlags(with_({ durationSec: 3 }))).toEqual(['completed_under_5s']);
    expect(outcomeFlags(with_({ transferDecision: 'agent' }))).toEqual(['transfer_without_agent']);
    expect(outcomeFlags(with_({ state: 'no_answer', answeredAt: null, durationSec: null }))).toEqual([
      'bot_ended_but_no_answer',
    ]);
    expect(outcomeFlags(with_({ answeredBy: 'machine' }))).toEqual(['machine_answered']);
    expect(outcomeFlags(with_({ stream: 'none' }, { bot: null }))).toEqual(['answered_without_stream']);
    expect(
      outcomeFlags(with_({ stream: 'none', durationSec: 2, transferDecision: 'agent' }, { bot: null })),
    ).toEqual(['completed_under_5s', 'transfer_without_agent', 'answered_without_stream']);
  });
});
