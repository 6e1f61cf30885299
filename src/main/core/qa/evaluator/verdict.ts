// What the evaluator decides about one scenario run: a verdict per turn and per scenario, and each
// failure with its kind, so a report can say why (and a flaky judge is never taken for a bot failure).

export const FAILURE_KINDS = [
  'expectation',
  'latency',
  'silence',
  'talk_over',
  'judge',
  'timeout',
  'caller_error',
  'bot_error',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface Failure {
  kind: FailureKind;
  /** Turn index (0-based, in conversation order) the failure belongs to; absent for whole-run checks. */
  turn?: number;
  /** Which expectation, e.g. `says.contains "cancelled"` or `within_ms 1500`. */
  expectation: string;
  /** What happened instead, e.g. the bot's words or the measured latency. */
  actual: string;
}

/** One LLM-judged criterion: pass, fail, or no verdict (the judge could not decide or answered badly). */
export interface JudgeVerdict {
  criterion: string;
  turn?: number;
  verdict: 'pass' | 'fail' | 'no_verdict';
  reasoning: string;
}

/** Which judge gave the verdicts: enough to re-score an old run the same way. */
export interface JudgeInfo {
  model: string;
  promptVersion: string;
  temperature: number;
}

/** pass: every check held; fail: at least one failure; no_verdict: no failure but a judge undecided. */
export type Outcome = 'pass' | 'fail' | 'no_verdict';

export interface TurnEvaluation {
  index: number;
  /** What the caller said: the text it was told to say (synthetic / llm) or its ASR (human). */
  callerText: string;
  /** The ASR of the bot's actual audio in this turn. */
  botText: string;
  /** Caller's end of speech → bot's first audio, media ms; absent when the bot did not answer. */
  latencyMs?: number;
  /** Bot audio heard while the caller spoke in this turn, ms. */
  talkOverMs: number;
  outcome: Outcome;
}

export interface Evaluation {
  outcome: Outcome;
  failures: Failure[];
  judged: JudgeVerdict[];
  turns: TurnEvaluation[];
  /** Set when any criterion was judged. */
  judge?: JudgeInfo;
  metrics: {
    latencyMs: number[];
    /** Stretches of silence (neither side speaking) longer than the run's limit. */
    longSilences: number;
    longestSilenceMs: number;
    /** Times the bot kept talking over the caller beyond the allowed ms. */
    talkOvers: number;
  };
}

export function outcomeOf(failures: readonly Failure[], judged: readonly JudgeVerdict[]): Outcome {
  if (failures.length > 0) return 'fail';
  return judged.some((j) => j.verdict === 'no_verdict') ? 'no_verdict' : 'pass';
}
