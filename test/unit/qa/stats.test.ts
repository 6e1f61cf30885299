import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareRuns,
  compareSuite,
  scenarioRates,
  wilsonInterval,
  wordDiff,
  type ComparableRun,
  type RunOutcome,
} from '../../../src/main/core/qa/stats';

describe('wilsonInterval', () => {
  it('matches published values', () => {
    // 8 of 10: Wilson 95% is [0.490, 0.943] (Newcombe 1998, method 3).
    const i = wilsonInterval(8, 10);
    expect(i.low).toBeCloseTo(0.4902, 3);
    expect(i.high).toBeCloseTo(0.9433, 3);
    // 0 of 10 still has an upper bound above 0; 10 of 10 a lower bound below 1.
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 3);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 3);
    expect(wilsonInterval(10, 10).high).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('refuses impossible counts', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 2)).toThrow(RangeError);
  });

  it('always holds the observed rate inside [0, 1] bounds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const passes = Math.round(f * n);
        const { low, high } = wilsonInterval(passes, n);
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(1);
        expect(low).toBeLessThanOrEqual(passes / n + 1e-12);
        expect(high).toBeGreaterThanOrEqual(passes / n - 1e-12);
      }),
    );
  });

  it('narrows as runs grow at the same rate (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 10 }), (n, tenths) => {
        const passes = Math.round((tenths / 10) * n);
        const small = wilsonInterval(passes, n);
        const big = wilsonInterval(passes * 4, n * 4);
        expect(big.high - big.low).toBeLessThan(small.high - small.low);
      }),
    );
  });
});

describe('scenarioRates', () => {
  it('pass@k, pass^k and flaky over k runs', () => {
    const r = scenarioRates(['pass', 'fail', 'pass']);
    expect(r).toMatchObject({ runs: 3, passes: 2, failures: 1, passAtK: true, passHatK: false, flaky: true });
    expect(r.passRate).toBeCloseTo(2 / 3);
    expect(scenarioRates(['pass', 'pass'])).toMatchObject({ passAtK: true, passHatK: true, flaky: false });
    expect(scenarioRates(['fail', 'fail'])).toMatchObject({ passAtK: false, passHatK: false, flaky: false });
  });

  it('a run without a verdict is neither a pass nor a failure, and spoils pass^k', () => {
    const r = scenarioRates(['pass', 'no_verdict']);
    expect(r).toMatchObject({
      runs: 1,
      passes: 1,
      failures: 0,
      noVerdict: 1,
      passAtK: true,
      passHatK: false,
    });
    expect(r.flaky).toBe(false);
    expect(scenarioRates(['no_verdict'])).toMatchObject({ runs: 0, passAtK: false, passHatK: false });
  });

  it('pass^k <= pass@k, in outcomes and in estimates (property)', () => {
    const outcome = fc.constantFrom<RunOutcome>('pass', 'fail', 'no_verdict');
    fc.assert(
      fc.property(fc.array(outcome, { minLength: 1, maxLength: 30 }), (outcomes) => {
        const r = scenarioRates(outcomes);
        if (r.passHatK) expect(r.passAtK).toBe(true);
        expect(r.passHatKEstimate).toBeLessThanOrEqual(r.passAtKEstimate + 1e-12);
        expect(r.passHatKInterval.low).toBeLessThanOrEqual(r.passHatKInterval.high);
        expect(r.passAtKInterval.low).toBeLessThanOrEqual(r.passAtKInterval.high);
        expect(r.flaky).toBe(outcomes.includes('pass') && outcomes.includes('fail'));
      }),
    );
  });
});

describe('wordDiff', () => {
  it('names the words one run said and the other did not, ignoring case and punctuation', () => {
    expect(wordDiff('We will see you on Monday. Goodbye.', 'we will see you on Tuesday goodbye')).toEqual([
      { op: 'same', text: 'we will see you on' },
      { op: 'removed', text: 'Monday.' },
      { op: 'added', text: 'Tuesday' },
      { op: 'same', text: 'goodbye' },
    ]);
    expect(wordDiff('', 'hello')).toEqual([{ op: 'added', text: 'hello' }]);
    expect(wordDiff('a b', '')).toEqual([{ op: 'removed', text: 'a b' }]);
  });

  it('rebuilds both texts from the ops (property)', () => {
    const word = fc.constantFrom('yes', 'no', 'monday', 'cancel', 'goodbye', 'the');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), fc.array(word, { maxLength: 12 }), (x, y) => {
        const ops = wordDiff(x.join(' '), y.join(' '));
        const side = (keep: string) =>
          ops
            .filter((o) => o.op === 'same' || o.op === keep)
            .map((o) => o.text)
            .join(' ')
            .split(' ')
            .filter(Boolean);
        expect(side('removed')).toEqual(x);
        expect(side('added')).toEqual(y);
      }),
    );
  });
});

const run = (
  scenario: string,
  caller: string,
  outcome: ComparableRun['outcome'],
  repeat = 0,
): ComparableRun => ({
  scenario,
  caller,
  repeat,
  outcome,
  failureKinds: outcome === 'fail' ? ['expectation'] : [],
  turns: [],
});

describe('compareRuns', () => {
  it('aligns turns, diffs the words, and gives latency and verdict differences', () => {
    const a: ComparableRun = {
      ...run('cancel', 'human', 'pass'),
      turns: [
        {
          index: 0,
          callerText: 'yes',
          botText: 'Thank you. You have an appointment',
          latencyMs: 700,
          outcome: 'pass',
        },
        {
          index: 1,
          callerText: 'cancel',
          botText: 'Should I cancel your appointment',
          latencyMs: 900,
          outcome: 'pass',
        },
      ],
    };
    const b: ComparableRun = {
      ...run('cancel', 'synthetic', 'fail'),
      turns: [
        {
          index: 0,
          callerText: 'yes',
          botText: 'Thank you. You have an appointment',
          latencyMs: 500,
          outcome: 'pass',
        },
        {
          index: 1,
          callerText: 'cancel',
          botText: 'We will see you on Monday',
          latencyMs: 1000,
          outcome: 'fail',
        },
        { index: 2, callerText: 'hello', botText: '', outcome: 'fail' },
      ],
    };
    const c = compareRuns(a, b);
    expect(c.turns).toHaveLength(3);
    expect(c.turns[0]).toMatchObject({ latencyDeltaMs: -200, verdictChanged: false });
    expect(c.turns[0]?.botDiff).toEqual([{ op: 'same', text: 'Thank you. You have an appointment' }]);
    expect(c.turns[1]).toMatchObject({ latencyDeltaMs: 100, verdictChanged: true });
    expect(c.turns[2]).toMatchObject({ a: undefined, verdictChanged: true });
    expect(c.turns[2]?.latencyDeltaMs).toBeUndefined();
    expect(c.sameWords).toBe(false);
    expect(c.meanLatencyDeltaMs).toBe(-50);
    expect(c).toMatchObject({ outcomeA: 'pass', outcomeB: 'fail' });
  });
});

describe('compareSuite', () => {
  it('finds regressions, fixes, undecided changes and scenarios missing from either side', () => {
    const baseline = [
      run('confirm', 'synthetic', 'pass'),
      run('cancel', 'synthetic', 'pass'),
      run('cancel', 'synthetic', 'pass', 1),
      run('agent', 'human', 'fail'),
      run('silent', 'synthetic', 'pass'),
      run('voicemail', 'synthetic', 'pass'),
    ];
    const current = [
      run('confirm', 'synthetic', 'pass'),
      run('cancel', 'synthetic', 'pass'),
      run('cancel', 'synthetic', 'fail', 1), // one failing repeat of k is a regression
      run('agent', 'human', 'pass'),
      run('silent', 'synthetic', 'no_verdict'),
      run('wrong number', 'synthetic', 'pass'),
    ];
    const c = compareSuite(baseline, current);
    expect(c.regressions).toEqual([
      { scenario: 'cancel', caller: 'synthetic', baseline: 'pass', current: 'fail', kinds: ['expectation'] },
    ]);
    expect(c.fixes).toEqual([
      { scenario: 'agent', caller: 'human', baseline: 'fail', current: 'pass', kinds: ['expectation'] },
    ]);
    expect(c.unchanged.map((u) => u.scenario)).toEqual(['confirm']);
    expect(c.undecided.map((u) => [u.scenario, u.current])).toEqual([['silent', 'no_verdict']]);
    expect(c.onlyInBaseline).toEqual([{ scenario: 'voicemail', caller: 'synthetic' }]);
    expect(c.onlyInCurrent).toEqual([{ scenario: 'wrong number', caller: 'synthetic' }]);
  });
});
