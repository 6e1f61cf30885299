import { afterEach, describe, expect, it, vi } from 'vitest';
import { schedule, type LoadPlan } from '../../../bench/voicebot/loadgen';
import { TurnGate } from '../../../bench/voicebot/loadgen/turn-gate';

// The load generator's schedule (seeded, so a run can be repeated) and the worst case's meeting point
// (every caller still on the line is given one end time per turn; one that left is not waited for).

const plan = (seed: number, calls = 50): LoadPlan => ({
  url: 'ws://127.0.0.1:1/',
  calls,
  mode: 'staggered',
  seed,
  rampMs: 10_000,
  thinkMs: { min: 300, max: 1500 },
  turns: ['a.pcm', 'b.pcm', 'c.pcm'],
  maxWaitMs: 5000,
  callSidPrefix: 'unit',
  hangupAfterLastReply: true,
});

describe('load plan schedule', () => {
  it('is the same for the same seed, different for another, and inside its bounds', () => {
    const a = schedule(plan(1));
    expect(schedule(plan(1))).toEqual(a);
    expect(schedule(plan(2))).not.toEqual(a);
    const answers = a.map((s) => s.answerAtMs);
    expect(answers).toEqual([...answers].sort((x, y) => x - y));
    expect(Math.min(...answers)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...answers)).toBeLessThanOrEqual(10_000);
    // Spread over the ramp, not bunched: some answer in each quarter of it.
    for (let q = 0; q < 4; q++)
      expect(answers.some((t) => t >= q * 2500 && t < (q + 1) * 2500 + 1)).toBe(true);
    const think = a.flatMap((s) => s.thinkMs);
    expect(think).toHaveLength(50 * 3);
    expect(Math.min(...think)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...think)).toBeLessThanOrEqual(1500);
    expect(new Set(think).size).toBeGreaterThan(20);
  });
});

describe('worst-case turn gate', () => {
  afterEach(() => vi.useRealTimers());

  it('gives every caller the same end time once all still on the line arrived', async () => {
    const gate = new TurnGate(3, [600], 300, 5000);
    const ends: number[] = [];
    const first = gate.arrive(0, 0).then((t) => ends.push(t));
    gate.leave(2); // hung up: not waited for
    await Promise.resolve();
    expect(ends).toEqual([]);
    const second = gate.arrive(0, 1).then((t) => ends.push(t));
    await Promise.all([first, second]);
    expect(ends).toHaveLength(2);
    expect(ends[0]).toBe(ends[1]);
    // Far enough ahead for the longest line (600 ms) plus the lead (300 ms).
    expect((ends[0] ?? 0) - performance.timeOrigin - performance.now()).toBeGreaterThan(850);
  });

  it('releases a turn when its wait runs out, and a late caller speaks at once', async () => {
    vi.useFakeTimers();
    const gate = new TurnGate(2, [500], 300, 5000);
    let released = false;
    const waiting = gate.arrive(0, 0).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(4999);
    expect(released).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(released).toBe(true);
    // The caller that never came in time is not held for another 5 s.
    let late = false;
    void gate.arrive(0, 1).then(() => (late = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(late).toBe(true);
  });
});
