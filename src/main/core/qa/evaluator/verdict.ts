// What the evaluator decides (the shapes live in src/shared/qa.ts, so the page shows them as stored).
export {
  QA_FAILURE_KINDS as FAILURE_KINDS,
  type QaFailureKind as FailureKind,
  type QaFailure as Failure,
  type QaJudgement as JudgeVerdict,
  type QaOutcome as Outcome,
  type QaTurnScore as TurnEvaluation,
  type QaEvaluation as Evaluation,
} from '../../../../shared/qa';
import type { QaFailure, QaJudgement, QaOutcome } from '../../../../shared/qa';

/** fail: at least one failure; no_verdict: none, but a judge could not decide; else pass. */
export function outcomeOf(failures: readonly QaFailure[], judged: readonly QaJudgement[]): QaOutcome {
  if (failures.length > 0) return 'fail';
  return judged.some((j) => j.verdict === 'no_verdict') ? 'no_verdict' : 'pass';
}
