import { describe, expect, it } from 'vitest';
import type { BoardCall } from '../../../src/shared/call-board';
import {
  boardChoices,
  filterBoard,
  NO_FILTER,
  inStateLabel,
  sinceLabel,
} from '../../../src/renderer/src/board/board-filter';

const call = (id: string, over: Partial<BoardCall> = {}): BoardCall => ({
  id,
  number: '+919800000000',
  mode: 'flow',
  provider: 'sandbox',
  providerSid: null,
  state: 'completed',
  transferDecision: null,
  answeredBy: null,
  endReason: null,
  durationSec: null,
  price: null,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  answeredAt: null,
  endedAt: null,
  campaignId: null,
  contactName: null,
  attemptNo: null,
  disposition: null,
  latencyMs: null,
  flags: [],
  ...over,
});

const rows = [
  call('a', {
    number: '+919811112222',
    contactName: 'Meera Rao',
    disposition: 'confirmed',
    campaignId: 'c1',
  }),
  call('b', { state: 'ringing', contactName: 'Arjun', flags: ['short_completed'] }),
  call('c', {
    state: 'busy',
    number: '+919800000001',
    flags: ['short_completed', 'no_stream'],
    campaignId: 'c1',
  }),
];
const ids = (f: Partial<typeof NO_FILTER>) => filterBoard(rows, { ...NO_FILTER, ...f }).map((r) => r.id);

describe('the board filter', () => {
  it('filters by state, state group, outcome, flag and campaign', () => {
    expect(ids({})).toEqual(['a', 'b', 'c']);
    expect(ids({ state: 'live' })).toEqual(['b']);
    expect(ids({ state: 'finished' })).toEqual(['a', 'c']);
    expect(ids({ state: 'busy' })).toEqual(['c']);
    expect(ids({ outcome: 'confirmed' })).toEqual(['a']);
    expect(ids({ outcome: 'none' })).toEqual(['b', 'c']);
    expect(ids({ flag: 'any' })).toEqual(['b', 'c']);
    expect(ids({ flag: 'none' })).toEqual(['a']);
    expect(ids({ flag: 'no_stream' })).toEqual(['c']);
    expect(ids({ campaignId: 'c1' })).toEqual(['a', 'c']);
    expect(ids({ campaignId: 'c1', state: 'busy', flag: 'no_stream' })).toEqual(['c']);
  });

  it('searches the number (spaces ignored) or the name (any case)', () => {
    expect(ids({ search: '98111 12222' })).toEqual(['a']);
    expect(ids({ search: 'meera' })).toEqual(['a']);
    expect(ids({ search: 'ARJ' })).toEqual(['b']);
    expect(ids({ search: '  ' })).toEqual(['a', 'b', 'c']);
    expect(ids({ search: 'nobody' })).toEqual([]);
  });

  it('offers the dispositions and flags present', () => {
    expect(boardChoices(rows)).toEqual({ outcomes: ['confirmed'], flags: ['no_stream', 'short_completed'] });
  });

  it('filters 10,000 rows in well under a frame budget', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      call(String(i), { number: `+9198${String(i).padStart(8, '0')}`, contactName: `Name ${i}` }),
    );
    const t0 = performance.now();
    expect(filterBoard(many, { ...NO_FILTER, search: 'name 9999' })).toHaveLength(1);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('says how long a call has been in its state', () => {
    const at = Date.parse('2026-01-01T10:00:00.000Z');
    expect(sinceLabel('2026-01-01T10:00:00.000Z', at + 12_400)).toBe('12 s');
    expect(sinceLabel('2026-01-01T10:00:00.000Z', at + 184_000)).toBe('3 m 04 s');
    expect(sinceLabel('2026-01-01T10:00:00.000Z', at + 3_720_000)).toBe('1 h 02 m');
    expect(sinceLabel('2026-01-01T10:00:00.000Z', at - 5000)).toBe('0 s');
  });

  it("counts a live call's time in state and stops once it has ended", () => {
    const at = Date.parse('2026-01-01T10:00:00.000Z');
    const live = call('a', { state: 'in_progress', updatedAt: '2026-01-01T10:00:00.000Z' });
    expect(inStateLabel(live, at + 12_400)).toBe('12 s');
    // Counted from when the call entered its state, not from its last change of any kind.
    const since = call('c', {
      state: 'in_progress',
      updatedAt: new Date(at + 10_000).toISOString(),
      stateSince: new Date(at).toISOString(),
    });
    expect(inStateLabel(since, at + 12_400)).toBe('12 s');
    for (const state of ['completed', 'busy', 'failed', 'no_answer', 'canceled'] as const) {
      const ended = call('b', { state, updatedAt: '2026-01-01T10:00:00.000Z' });
      expect(inStateLabel(ended, at + 12_400)).toBe('—');
      expect(inStateLabel(ended, at + 3_720_000)).toBe('—');
    }
  });
});
