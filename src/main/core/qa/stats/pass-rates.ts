// Pass rates that mean something: a scenario run k times is a sample, so every rate carries a 95%
// Wilson score interval (honest for small k and for 0 / k passes, unlike the normal approximation).

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval of `passes` out of `runs` (runs = 0 gives the uninformative [0, 1]). */
export function wilsonInterval(passes: number, runs: number, z = Z95): Interval {
  if (!Number.isInteger(passes) || !Number.isInteger(runs) || runs < 0 || passes < 0 || passes > runs) {
    throw new RangeError(`wilsonInterval needs 0 <= passes <= runs (integers), got ${passes} / ${runs}`);
  }
  if (runs === 0) return { low: 0, high: 1 };
  const p = passes / runs;
  const z2 = z * z;
  const denominator = 1 + z2 / runs;
  const centre = (p + z2 / (2 * runs)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / runs + z2 / (4 * runs * runs))) / denominator;
  // At p = 0 (or 1) the bound is exactly 0 (or 1); floating point would miss it by a hair.
  return {
    low: passes === 0 ? 0 : Math.max(0, centre - half),
    high: passes === runs ? 1 : Math.min(1, centre + half),
  };
}

/** One scored run of a scenario: passed, failed, or no verdict (a judge that could not decide). */
export type RunOutcome = 'pass' | 'fail' | 'no_verdict';

export interface ScenarioRates {
  /** Runs with a verdict (no-verdict runs are neither passes nor failures). */
  runs: number;
  passes: number;
  failures: number;
  noVerdict: number;
  /** Share of runs that passed, with its 95% Wilson interval. */
  passRate: number;
  interval: Interval;
  /** pass@k: at least one of the k runs passed. */
  passAtK: boolean;
  /** pass^k: every one of the k runs passed (and there was at least one). */
  passHatK: boolean;
  /** Estimated probability that k fresh runs all pass (p̂^k), with the interval's bounds raised to k. */
  passHatKEstimate: number;
  passHatKInterval: Interval;
  /** Estimated probability that at least one of k fresh runs passes: 1 - (1 - p̂)^k. */
  passAtKEstimate: number;
  passAtKInterval: Interval;
  /** Both passed and failed across the runs. */
  flaky: boolean;
}

/** Rates of one scenario (× caller kind) over its k runs. */
export function scenarioRates(outcomes: readonly RunOutcome[]): ScenarioRates {
  const passes = outcomes.filter((o) => o === 'pass').length;
  const failures = outcomes.filter((o) => o === 'fail').length;
  const runs = passes + failures;
  const k = outcomes.length;
  const p = runs === 0 ? 0 : passes / runs;
  const interval = wilsonInterval(passes, runs);
  return {
    runs,
    passes,
    failures,
    noVerdict: k - runs,
    passRate: p,
    interval,
    passAtK: passes > 0,
    passHatK: runs > 0 && failures === 0 && passes === k,
    passHatKEstimate: p ** k,
    passHatKInterval: { low: interval.low ** k, high: interval.high ** k },
    passAtKEstimate: 1 - (1 - p) ** k,
    passAtKInterval: { low: 1 - (1 - interval.low) ** k, high: 1 - (1 - interval.high) ** k },
    flaky: passes > 0 && failures > 0,
  };
}
