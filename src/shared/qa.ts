import { z } from 'zod';

/**
 * QA scenarios (what a suite's YAML files say) and what a run records. The scenario schema lives here,
 * not in the core, so the QA page validates an edited scenario with the very schema the runner uses.
 */

export const QA_CALLER_KINDS = ['synthetic', 'human', 'llm'] as const;
export type QaCallerKind = (typeof QA_CALLER_KINDS)[number];
/** How the UI names each kind of caller. */
export const QA_CALLER_LABELS: Record<QaCallerKind, string> = {
  synthetic: 'Synthetic (TTS)',
  human: 'Recorded human',
  llm: 'LLM-driven',
};

export const QA_FAILURE_KINDS = [
  'expectation',
  'latency',
  'silence',
  'talk_over',
  'judge',
  'timeout',
  'caller_error',
  'bot_error',
] as const;
export type QaFailureKind = (typeof QA_FAILURE_KINDS)[number];

const Text = z.string().trim().min(1, 'must not be empty').max(2000);
const Ms = z.number().int().min(0).max(3_600_000);

// ---- expectations ----

/** Text the bot says: a plain string is `contains` (case-insensitive, words compared after folding). */
export const SaysSchema = z.union([
  Text,
  z.strictObject({ contains: Text }),
  z.strictObject({
    regex: Text.refine((s) => {
      try {
        new RegExp(s, 'i');
        return true;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression'),
  }),
]);
export type Says = z.infer<typeof SaysSchema>;
const SaysList = z
  .union([SaysSchema, z.array(SaysSchema).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));
const JudgeList = z.union([Text, z.array(Text).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Checked on one bot turn (the bot's reply to a step, or its greeting). */
export const TurnExpectSchema = z.strictObject({
  /** Every entry must match what the bot said this turn. */
  says: SaysList.optional(),
  /** None of these may match. */
  not_says: SaysList.optional(),
  /** Voice to voice: the caller's end of speech to the bot's first audio (media time). */
  within_ms: Ms.optional(),
  /** Longest silence allowed inside this turn, while the caller waits. */
  silence_max_ms: Ms.optional(),
  /** When the caller barges in, the bot stops within this many ms. */
  no_talk_over: Ms.optional(),
  /** Natural-language criteria for the LLM judge. */
  judge: JudgeList.optional(),
});
export type TurnExpect = z.infer<typeof TurnExpectSchema>;

export const QA_HANGUP_BY = ['bot', 'caller'] as const;

/** Checked on the whole conversation. Latency and silence budgets apply to every turn. */
export const ScenarioExpectSchema = TurnExpectSchema.extend({
  /** The bot's recorded disposition at the end (e.g. confirmed, cancelled, transferred). */
  disposition: z.string().trim().min(1).max(100).optional(),
  /** Whether the bot decided to hand the call to a person. */
  transfer: z.boolean().optional(),
  /** Who ended the call. */
  hangup_by: z.enum(QA_HANGUP_BY).optional(),
});
export type ScenarioExpect = z.infer<typeof ScenarioExpectSchema>;

// ---- steps ----

const StepCommon = {
  /** Speak this many ms after the bot starts its reply instead of waiting for it to finish. */
  barge_in_ms: Ms.optional(),
  /** Checked on the bot's reply to this step. */
  expect: TurnExpectSchema.optional(),
};

export const StepSchema = z.union([
  z.strictObject({ say: Text, ...StepCommon }),
  /** A recorded clip, relative to the suite folder (any WAV; converted to 8 kHz PCM16). */
  z.strictObject({ clip: Text, ...StepCommon }),
  z.strictObject({
    dtmf: z.string().regex(/^[0-9*#]{1,20}$/, 'must be DTMF keys: 0-9, * or #'),
    ...StepCommon,
  }),
  z.strictObject({ silence_ms: z.number().int().min(1).max(600_000), ...StepCommon }),
]);
export type ScenarioStep = z.infer<typeof StepSchema>;

/** What kind of action a step is, for records and display. */
export type StepAction = 'say' | 'clip' | 'dtmf' | 'silence';
export function stepAction(step: ScenarioStep): StepAction {
  if ('say' in step) return 'say';
  if ('clip' in step) return 'clip';
  if ('dtmf' in step) return 'dtmf';
  return 'silence';
}

// ---- LLM goal ----

export const GoalSchema = z.strictObject({
  persona: Text,
  goal: Text,
  /** How the LLM caller (and the judge) tell that the goal was reached. */
  success: Text,
  max_turns: z.number().int().min(1).max(50).default(10),
  max_silence_s: z.number().min(1).max(120).default(15),
  max_duration_s: z.number().min(5).max(1800).default(180),
});
export type ScenarioGoal = z.infer<typeof GoalSchema>;

// ---- variables ----

export const QA_GENERATORS = ['indian_name', 'indian_mobile', 'weekday', 'pick'] as const;
export type QaGenerator = (typeof QA_GENERATORS)[number];

/** A contact-row value: given, or generated from the run's seed. */
export const VariableSchema = z.union([
  z.string().max(500),
  z.number().transform(String),
  z
    .strictObject({ generate: z.enum(QA_GENERATORS), from: z.array(Text).min(1).optional() })
    .refine((v) => v.generate !== 'pick' || v.from !== undefined, {
      message: "generate: pick needs 'from' (the values to pick from)",
      path: ['from'],
    }),
]);

// ---- effects ----

/** Seeded changes to the caller's audio, per run. */
export const EffectsSchema = z.strictObject({
  band_pass: z.boolean().optional(),
  /** White noise at this signal-to-noise ratio (dB). */
  snr_db: z.number().min(-10).max(60).optional(),
  /** Playback speed factor. */
  speed: z.number().min(0.5).max(2).optional(),
  /** Fraction of 20 ms packets lost (replaced by silence). */
  packet_loss: z.number().min(0).max(0.5).optional(),
});
export type QaEffects = z.infer<typeof EffectsSchema>;

// ---- scenario ----

export const ScenarioSchema = z
  .strictObject({
    name: Text,
    description: z.string().max(4000).optional(),
    tags: z.array(z.string().trim().min(1).max(60)).default([]),
    /** The bot this scenario is for (an id from the bot registry); the suite's or the run's bot otherwise. */
    bot: z.string().trim().min(1).max(100).optional(),
    /** The contact row the bot sees as custom parameters. */
    variables: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'), VariableSchema)
      .default({}),
    /** Seed for generated values and effects (default: from the scenario's name). */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    callers: z
      .union([z.enum(QA_CALLER_KINDS), z.array(z.enum(QA_CALLER_KINDS)).min(1)])
      .transform((v) => (Array.isArray(v) ? [...new Set(v)] : [v]))
      .optional(),
    /** Recorded caller audio: a folder of step-01.wav … (relative to the suite) or a recorded session. */
    human: z
      .strictObject({ dir: Text.optional(), session: Text.optional() })
      .refine((h) => !(h.dir && h.session), { message: 'give dir or session, not both' })
      .optional(),
    /** Checked on the bot's greeting, before the caller says anything. */
    greeting: TurnExpectSchema.optional(),
    steps: z.array(StepSchema).min(1).max(200).optional(),
    goal: GoalSchema.optional(),
    expect: ScenarioExpectSchema.default({}),
    effects: EffectsSchema.optional(),
    /** The conversation is cut (a `timeout` failure) after this much media time. */
    max_duration_s: z.number().min(1).max(1800).default(300),
  })
  .superRefine((s, ctx) => {
    if (!s.steps && !s.goal) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'a scenario needs steps, or a goal for an LLM caller',
      });
    }
    const callers = s.callers ?? (s.steps ? ['synthetic'] : ['llm']);
    if (callers.includes('llm') && !s.goal) {
      ctx.addIssue({ code: 'custom', path: ['goal'], message: 'the llm caller needs a goal' });
    }
    if ((callers.includes('synthetic') || callers.includes('human')) && !s.steps) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'synthetic and human callers need steps' });
    }
  });
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;

/** The callers a scenario runs with when the run does not choose. */
export function scenarioCallers(s: Scenario): QaCallerKind[] {
  return s.callers ?? (s.steps ? ['synthetic'] : ['llm']);
}

/** One problem in a scenario file: where it is, and what is wrong. */
export interface QaScenarioProblem {
  file: string;
  /** 1-based; null when the problem has no place in the file (e.g. unreadable). */
  line: number | null;
  column: number | null;
  /** Dotted path of the field, e.g. `steps[2].expect.within_ms`; '' for the whole file. */
  field: string;
  message: string;
}

// ---- suites (Api) ----

export interface QaScenarioInfo {
  /** File name relative to the suite folder, e.g. `confirm.yaml`; also the scenario's id in a suite. */
  file: string;
  name: string | null;
  tags: string[];
  callers: QaCallerKind[];
  steps: number;
  hasGoal: boolean;
  /** The file's text, for viewing and editing. */
  text: string;
  problems: QaScenarioProblem[];
}

export interface QaSuiteSummary {
  /** Absolute folder. */
  dir: string;
  name: string;
  /** `bundled` (resources/qa) or `user` (the data folder's qa folder, or a folder given). */
  source: 'bundled' | 'user';
  scenarios: number;
  invalid: number;
}

export interface QaSuiteDetail extends QaSuiteSummary {
  items: QaScenarioInfo[];
}

// ---- what a run records ----

export interface QaMark {
  name: string;
  /** Media time (ms since the stream started) when the bot sent it, and when the caller echoed it. */
  sentMs: number;
  echoedMs: number | null;
}

/**
 * One bot turn and the caller action it answered. Turn 0 is the bot's greeting (no caller action);
 * turn n answers step n-1 (or the LLM caller's n-th utterance). All times are media time in ms since
 * the stream started; both channels share that clock.
 */
export interface QaRecordedTurn {
  index: number;
  /** The step's index (0-based) in the scenario, null for the greeting and for LLM turns. */
  step: number | null;
  action: StepAction | 'greeting' | 'llm';
  /** What the caller was told to say (synthetic, llm), the clip's file (human), the keys (dtmf). */
  callerText: string | null;
  /** The caller's audio span (null for the greeting and a silence step; a dtmf step's is its key presses). */
  callerStartMs: number | null;
  callerEndMs: number | null;
  /** The caller spoke before the bot finished (a barge-in step). */
  bargeIn: boolean;
  /** The bot's audio span for this turn: its first and last audio sample heard by the caller. */
  botStartMs: number | null;
  botEndMs: number | null;
  /** The bot cleared its audio (stopped talking) at this time, after the caller barged in. */
  botClearedMs: number | null;
  /** What the bot said, by its own record (in-process bots only); the evaluator transcribes the audio. */
  botTextReported: string | null;
  marks: QaMark[];
}

export const QA_END_REASONS = [
  'bot_hangup',
  'caller_hangup',
  'timeout',
  'caller_error',
  'bot_error',
] as const;
export type QaEndReason = (typeof QA_END_REASONS)[number];

/** One conversation of one scenario with one caller kind (one repeat), as the caller recorded it. */
export interface QaConversation {
  scenarioFile: string;
  scenarioName: string;
  caller: QaCallerKind;
  repeat: number;
  seed: number;
  /** The contact row the bot was given, generated values filled in. */
  variables: Record<string, string>;
  turns: QaRecordedTurn[];
  /** Media length of the whole call. */
  durationMs: number;
  endReason: QaEndReason;
  /** What went wrong, for caller_error / bot_error / timeout. */
  error: string | null;
  /** The bot's own outcome, when the runner can read it (in-process bots): disposition and transfer. */
  disposition: string | null;
  transfer: boolean | null;
  /** The bot's session id (in-process bots), to find its own transcript and recordings. */
  botSessionId: string | null;
}

/** pending: recorded, not yet scored (no evaluator yet); no_verdict: a judge could not decide. */
export const QA_VERDICTS = ['pending', 'passed', 'failed', 'no_verdict'] as const;
export type QaVerdict = (typeof QA_VERDICTS)[number];

/**
 * What the evaluator gives for one conversation (src/main/core/qa/evaluator: its `Evaluation` has this
 * shape). Turn indexes are QaRecordedTurn.index.
 */
export interface QaFailure {
  kind: QaFailureKind;
  /** The turn it is about; absent for whole-conversation checks. */
  turn?: number;
  /** The expectation, as written, e.g. `says.contains "cancelled"` or `within_ms 1500`. */
  expectation: string;
  /** What happened instead, e.g. the bot's words or the measured latency. */
  actual: string;
}

export type QaOutcome = 'pass' | 'fail' | 'no_verdict';

/** A judge's answer to one `judge:` criterion (no_verdict: it could not decide, never a bot failure). */
export interface QaJudgement {
  criterion: string;
  turn?: number;
  verdict: QaOutcome;
  reasoning: string;
}

export interface QaTurnScore {
  index: number;
  /** The caller's side: the text it was told to say (synthetic / llm) or its ASR (human). */
  callerText: string;
  /** The bot's audio, transcribed. */
  botText: string;
  /** Caller's end of speech → bot's first audio (media ms); absent when the bot did not answer. */
  latencyMs?: number;
  talkOverMs: number;
  outcome: QaOutcome;
}

export interface QaEvaluation {
  outcome: QaOutcome;
  failures: QaFailure[];
  judged: QaJudgement[];
  turns: QaTurnScore[];
  /** The judge used, so an old run can be re-scored the same way. */
  judge?: { model: string; promptVersion: string; temperature: number };
  metrics: { latencyMs: number[]; longSilences: number; longestSilenceMs: number; talkOvers: number };
  /** How it was scored, e.g. which recogniser heard the bot (a grammar recogniser only hears the bot's lines). */
  notes?: string[];
}

/** A scenario run's verdict: pending until scored (never shown as passed). */
export function verdictOf(e: QaEvaluation | null): QaVerdict {
  if (!e) return 'pending';
  switch (e.outcome) {
    case 'pass':
      return 'passed';
    case 'fail':
      return 'failed';
    case 'no_verdict':
      return 'no_verdict';
  }
}

// ---- runs (Api) ----

export const QA_RUN_STATES = ['running', 'finished', 'cancelled', 'failed'] as const;
export type QaRunState = (typeof QA_RUN_STATES)[number];

/** A planned scenario run that was not run, and why: never a failure (e.g. no LLM for the llm caller). */
export interface QaSkippedRun {
  scenarioFile: string;
  scenarioName: string;
  caller: QaCallerKind;
  repeat: number;
  reason: 'not_configured';
  message: string;
}

export interface QaRunSummary {
  id: string;
  jobId: string | null;
  suiteDir: string;
  suiteName: string;
  /** The bot: its id for an in-process bot, or the URL. */
  bot: string;
  callers: QaCallerKind[];
  repeat: number;
  parallel: number;
  seed: number;
  state: QaRunState;
  startedAt: string;
  finishedAt: string | null;
  /** Counts of scenario runs by verdict. */
  counts: Record<QaVerdict, number>;
  /** Media seconds simulated ÷ wall seconds. */
  speedRatio: number | null;
  /** Planned scenario runs that were not run (not counted above). */
  skipped: QaSkippedRun[];
}

export interface QaScenarioRunInfo {
  id: string;
  runId: string;
  scenarioFile: string;
  scenarioName: string;
  caller: QaCallerKind;
  repeat: number;
  seed: number;
  verdict: QaVerdict;
  endReason: QaEndReason;
  error: string | null;
  durationMs: number;
  wallMs: number;
  disposition: string | null;
  transfer: boolean | null;
  variables: Record<string, string>;
  turns: QaRecordedTurn[];
  evaluation: QaEvaluation | null;
  /** Artifact ids of the two channels (8 kHz mono WAV each), served by id. */
  callerAudio: string | null;
  botAudio: string | null;
}

export interface QaRunDetail extends QaRunSummary {
  scenarios: QaScenarioRunInfo[];
}

// ---- Api requests ----

const SuiteDir = z.string().min(1).max(4096);

export const QaSuitesSchema = z.strictObject({ dirs: z.array(SuiteDir).max(50).default([]) });
export const QaSuiteSchema = z.strictObject({ dir: SuiteDir });

export const QaRunRequestSchema = z.strictObject({
  dir: SuiteDir,
  /** An in-process bot by registry id (default: the scenario's or the demo bot), or a bot URL (ws/wss). */
  bot: z.string().min(1).max(2000).optional(),
  callers: z.array(z.enum(QA_CALLER_KINDS)).min(1).max(3).optional(),
  parallel: z.number().int().min(1).max(32).default(4),
  repeat: z.number().int().min(1).max(100).default(1),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  /** Only these scenario files (relative to the suite). */
  only: z.array(z.string().min(1).max(500)).max(500).optional(),
});
export type QaRunRequest = z.input<typeof QaRunRequestSchema>;

export const QaRunsSchema = z.strictObject({ limit: z.number().int().min(1).max(500).default(50) });
export const QaRunIdSchema = z.strictObject({ runId: z.string().min(1).max(100) });

export interface QaUpdatedEvent {
  runId: string;
  state: QaRunState;
  done: number;
  total: number;
  /** The scenario run that just finished, if any. */
  scenarioRunId: string | null;
}
