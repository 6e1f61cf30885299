import { z } from 'zod';
import type { QaCallerKind, QaEvaluation, QaFailure, QaVerdict } from './qa';

/**
 * Re-scoring a stored QA run: the recorded audio and turns evaluated again with the evaluator and the
 * judge as they are now (and the scenario file as it is now). The run's own verdicts are never
 * changed: each re-score is kept beside them.
 */

export const QaRescoreSchema = z.strictObject({ runId: z.string().min(1).max(100) });

export interface QaRescoredRun {
  scenarioRunId: string;
  scenarioFile: string;
  scenarioName: string;
  caller: QaCallerKind;
  repeat: number;
  /** The verdict the run recorded, and the one it gets now. */
  before: QaVerdict;
  after: QaVerdict;
  changed: boolean;
  /** Failures the new scoring finds that the old did not, and the old ones it no longer finds. */
  newFailures: QaFailure[];
  goneFailures: QaFailure[];
  /** The judge each scoring used (absent: none, or no judge criterion). */
  judgeBefore: QaEvaluation['judge'] | null;
  judgeAfter: QaEvaluation['judge'] | null;
  /** Why it could not be scored again (no audio, the scenario file gone or invalid, the evaluator failed). */
  error: string | null;
  evaluation: QaEvaluation | null;
}

export interface QaRescoreInfo {
  id: string;
  runId: string;
  actor: string;
  createdAt: string;
  results: QaRescoredRun[];
  /** Scenario runs whose verdict changed. */
  changed: number;
}
