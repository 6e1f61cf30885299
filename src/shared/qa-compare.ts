import { z } from 'zod';
import type { QaFailureKind, QaOutcome, QaRunSummary, QaScenarioRunInfo } from './qa';

/**
 * Comparisons of QA runs (computed by the core's QA statistics): two scenario runs turn by turn, and
 * a suite run against a baseline run.
 */

export type QaDiffOp = { op: 'same' | 'removed' | 'added'; text: string };

export interface QaComparedTurn {
  index: number;
  callerText: string;
  botText: string;
  latencyMs?: number;
  outcome: QaOutcome;
}

export interface QaTurnComparison {
  index: number;
  /** Present on one side only when the conversations differ in length. */
  a?: QaComparedTurn;
  b?: QaComparedTurn;
  callerDiff: QaDiffOp[];
  /** What the bot said in b against a, word by word. */
  botDiff: QaDiffOp[];
  /** b - a, ms; absent unless both turns have a latency. */
  latencyDeltaMs?: number;
  verdictChanged: boolean;
}

export interface QaRunComparison {
  turns: QaTurnComparison[];
  /** The bot said the same words in every turn. */
  sameWords: boolean;
  outcomeA: QaOutcome;
  outcomeB: QaOutcome;
  meanLatencyDeltaMs?: number;
}

export interface QaScenarioChange {
  scenario: string;
  caller: string;
  baseline: QaOutcome;
  current: QaOutcome;
  kinds: QaFailureKind[];
}

export interface QaSuiteComparison {
  regressions: QaScenarioChange[];
  fixes: QaScenarioChange[];
  unchanged: QaScenarioChange[];
  /** To or from no verdict: not a regression, shown apart. */
  undecided: QaScenarioChange[];
  onlyInBaseline: { scenario: string; caller: string }[];
  onlyInCurrent: { scenario: string; caller: string }[];
}

const Id = z.string().min(1).max(100);

/** Two scenario runs (of one suite run or of two), a first and b second. */
export const QaCompareRunsSchema = z.strictObject({ a: Id, b: Id });
export interface QaCompareRunsResult {
  a: QaScenarioRunInfo;
  b: QaScenarioRunInfo;
  comparison: QaRunComparison;
}

/** A suite run against an earlier (baseline) run. */
export const QaCompareSuiteSchema = z.strictObject({ runId: Id, baselineRunId: Id });
export interface QaCompareSuiteResult {
  baseline: QaRunSummary;
  current: QaRunSummary;
  comparison: QaSuiteComparison;
}
