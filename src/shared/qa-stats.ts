import type { QaCallerKind } from './qa';

/** A 95% Wilson score interval of a rate (0..1). */
export interface QaInterval {
  low: number;
  high: number;
}

/** One scenario × caller kind over its k repeats (computed by the core's QA statistics). */
export interface QaScenarioRates {
  /** Runs with a verdict (no-verdict runs are neither passes nor failures). */
  runs: number;
  passes: number;
  failures: number;
  noVerdict: number;
  passRate: number;
  interval: QaInterval;
  /** pass@k: at least one of the k runs passed. */
  passAtK: boolean;
  /** pass^k: every one of the k runs passed. */
  passHatK: boolean;
  /** Passed in some runs and failed in others. */
  flaky: boolean;
}

export interface QaScenarioStats {
  scenarioFile: string;
  scenarioName: string;
  caller: QaCallerKind;
  rates: QaScenarioRates;
}
