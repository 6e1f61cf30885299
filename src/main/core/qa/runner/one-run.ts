import { createHash } from 'node:crypto';
import {
  type QaCallerKind,
  type QaConversation,
  type QaEvaluation,
  type Scenario,
} from '../../../../shared/qa';
import type { Logger } from '../../logging';
import type { Audio } from '../../speech';
import type { BotDefinition, SessionSpeech } from '../../voicebot';
import { loadClip, type SpeechCache } from '../callers/caller-audio';
import {
  runConversation,
  type BotLine,
  type CallerScript,
  type ConversationRecord,
} from '../callers/conversation';
import { LlmCaller } from '../callers/llm-caller';
import { connectBotUrl, startLocalBot } from '../callers/local-bot';
import { humanDir, humanStepFile, scriptedCaller } from '../callers/scripted-caller';
import {
  evaluate,
  freeFormTranscriber,
  grammarTranscriber,
  scriptBotLines,
  type Judge,
  type Transcriber,
} from '../evaluator';

/** The bot a run talks to: in process (by definition) or at a URL. */
export type BotTarget = { kind: 'local'; bot: BotDefinition } | { kind: 'url'; url: string };

export interface OneRun {
  suiteDir: string;
  file: string;
  scenario: Scenario;
  caller: QaCallerKind;
  repeat: number;
  seed: number;
  variables: Record<string, string>;
  target: BotTarget;
  /**
   * For a bot at a URL: the definition the scenario names (`bot:`), whose lines are the offline
   * recogniser's grammar. Without it an offline run can only hear the bot with a free-form recogniser.
   */
  hearAs?: BotDefinition;
}

export interface OneRunDeps {
  speech: SessionSpeech;
  /** A recorded call's caller turns, for a human caller made from a call (`human.session`). */
  recordedTurns?: (sessionId: string) => Promise<Buffer[]>;
  /** Transcripts already made in this run, by audio hash: the same prompt is recognised once. */
  heard?: Map<string, string>;
  cache: SpeechCache;
  log: Logger;
  judge?: Judge;
  signal?: AbortSignal;
}

export interface OneRunResult {
  conversation: QaConversation;
  record: ConversationRecord;
  evaluation: QaEvaluation | null;
  evaluationError: string | null;
  wallMs: number;
  /** Of which the conversation (the rest is scoring). */
  conversationWallMs: number;
}

const audio = (pcm: Buffer): Audio => ({ pcm, sampleRate: 8000 });

/**
 * A transcriber that recognises each distinct audio once per run: a bot says the same prompt, to the
 * byte, in many scenario runs (the greeting in all of them), and recognising is most of a run's work.
 */
function remembered(t: Transcriber, heard: Map<string, string> | undefined): Transcriber {
  if (!heard) return t;
  const once =
    (kind: string, fn: (a: Audio) => Promise<string>) =>
    async (a: Audio): Promise<string> => {
      const key = createHash('sha256').update(kind).update(t.description).update(a.pcm).digest('hex');
      const known = heard.get(key);
      if (known !== undefined) return known;
      const text = await fn(a);
      heard.set(key, text);
      return text;
    };
  const cut = t.transcribeCut?.bind(t);
  return {
    description: t.description,
    transcribe: once('line', (a) => t.transcribe(a)),
    ...(cut ? { transcribeCut: once('cut', cut) } : {}),
  };
}

/** How the bot's replies are heard: its own lines as the grammar for an offline script bot. */
function botTranscriber(run: OneRun, deps: ScoringDeps): Transcriber {
  const asr = deps.speech.asr;
  const known = run.target.kind === 'local' ? run.target.bot : run.hearAs;
  if (known?.kind === 'script') {
    const lines = scriptBotLines(known, run.variables);
    return remembered(grammarTranscriber(asr, lines, "the bot's lines"), deps.heard);
  }
  return remembered(freeFormTranscriber(asr), deps.heard);
}

/** A human caller's recordings are heard with the scenario's own lines as the grammar. */
function callerTranscriber(run: OneRun, deps: ScoringDeps): Transcriber | undefined {
  if (run.caller !== 'human') return undefined;
  const speech = { asr: deps.speech.asr };
  const lines = (run.scenario.steps ?? []).flatMap((s) => ('say' in s ? [s.say] : []));
  return lines.length > 0
    ? grammarTranscriber(speech.asr, lines, "the scenario's lines")
    : freeFormTranscriber(speech.asr);
}

/** The LLM caller: the model picks each line from what the bot was heard to say; spoken by TTS. */
function llmScript(run: OneRun, deps: OneRunDeps, hear: Transcriber): CallerScript {
  const llm = deps.speech.llm;
  const goal = run.scenario.goal;
  if (!llm)
    throw new Error(
      'the llm caller needs an LLM: configure an OpenAI-compatible endpoint in Settings > Speech',
    );
  if (!goal) throw new Error('the llm caller needs the scenario to have a goal');
  // The variant that plays the scenario's human recordings, when the scenario has them.
  const clips: { file: string; text: string }[] = [];
  if (run.scenario.human) {
    const dir = humanDir(run.suiteDir, run.file, run.scenario);
    for (const [i, s] of (run.scenario.steps ?? []).entries()) {
      if ('say' in s) clips.push({ file: humanStepFile(dir, i), text: s.say });
    }
  }
  const caller = new LlmCaller({
    llm,
    goal,
    variables: run.variables,
    ...(clips.length ? { clips } : {}),
    log: deps.log,
  });
  let hangAfter = false;
  return {
    bargeInMs: () => undefined,
    next: async ({ botPcm }) => {
      if (hangAfter) return null;
      const heard = botPcm.length > 0 ? await hear.transcribe(audio(botPcm)) : '';
      const move = await caller.next(heard);
      switch (move.kind) {
        case 'hangup':
          return null;
        case 'say':
          hangAfter = move.hangup;
          return { action: 'llm', step: null, text: move.text, pcm: await deps.cache.speak(move.text) };
        case 'clip':
          hangAfter = move.hangup;
          return { action: 'clip', step: null, text: move.clip.file, pcm: await loadClip(move.clip.file) };
      }
    },
  };
}

async function openLine(run: OneRun, deps: OneRunDeps): Promise<BotLine> {
  switch (run.target.kind) {
    case 'local':
      return startLocalBot({
        bot: run.target.bot,
        speech: deps.speech,
        variables: run.variables,
        log: deps.log,
      });
    case 'url':
      return connectBotUrl(run.target.url, run.variables);
  }
}

/** What scoring needs of a run's dependencies (a re-score has no call to make). */
export type ScoringDeps = Pick<OneRunDeps, 'speech' | 'heard' | 'log' | 'judge'>;

/**
 * The evaluator's verdict on a recorded conversation, hearing the bot as the run's target is heard.
 * An evaluator that throws gives no evaluation and its error (the run then has no verdict).
 */
export async function scoreConversation(
  run: OneRun,
  conversation: QaConversation,
  channels: { callerPcm: Buffer; botPcm: Buffer },
  deps: ScoringDeps,
): Promise<{ evaluation: QaEvaluation | null; evaluationError: string | null }> {
  try {
    const callerHear = callerTranscriber(run, deps);
    const evaluation = await evaluate(
      {
        scenario: run.scenario,
        conversation,
        callerAudio: audio(channels.callerPcm),
        botAudio: audio(channels.botPcm),
      },
      {
        bot: botTranscriber(run, deps),
        ...(callerHear ? { caller: callerHear } : {}),
        ...(deps.judge ? { judge: deps.judge } : {}),
        log: deps.log,
      },
    );
    return { evaluation, evaluationError: null };
  } catch (err) {
    deps.log.error('qa evaluation failed', { err, scenario: run.file, caller: run.caller });
    return { evaluation: null, evaluationError: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * One scenario run: the caller ready (a missing recording fails here, before the call), the call,
 * then the evaluator's verdict. A caller that cannot start is recorded as a caller_error conversation.
 */
export async function runOne(run: OneRun, deps: OneRunDeps): Promise<OneRunResult> {
  const t0 = performance.now();
  const hear = botTranscriber(run, deps);
  let record: ConversationRecord;
  try {
    const caller =
      run.caller === 'llm'
        ? llmScript(run, deps, hear)
        : await scriptedCaller({
            kind: run.caller,
            suiteDir: run.suiteDir,
            file: run.file,
            scenario: run.scenario,
            speech: deps.cache,
            seed: run.seed,
            ...(deps.recordedTurns ? { recordedTurns: deps.recordedTurns } : {}),
          });
    const line = await openLine(run, deps);
    const onAbort = () => void line.client.hangup('stopped');
    deps.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      record = await runConversation({
        line,
        caller,
        maxDurationMs:
          Math.min(run.scenario.max_duration_s, run.scenario.goal?.max_duration_s ?? Infinity) * 1000,
      });
    } finally {
      deps.signal?.removeEventListener('abort', onAbort);
    }
  } catch (err) {
    record = {
      turns: [],
      callerPcm: Buffer.alloc(0),
      botPcm: Buffer.alloc(0),
      durationMs: 0,
      endReason: 'caller_error',
      error: err instanceof Error ? err.message : String(err),
      outcome: { disposition: null, transfer: null, botTexts: [], sessionId: null, error: null },
    };
  }
  const conversation: QaConversation = {
    scenarioFile: run.file,
    scenarioName: run.scenario.name,
    caller: run.caller,
    repeat: run.repeat,
    seed: run.seed,
    variables: run.variables,
    turns: record.turns,
    durationMs: record.durationMs,
    endReason: record.endReason,
    error: record.error,
    disposition: record.outcome.disposition,
    transfer: record.outcome.transfer,
    botSessionId: record.outcome.sessionId,
  };
  const conversationWallMs = performance.now() - t0;
  const { evaluation, evaluationError } = await scoreConversation(
    run,
    conversation,
    { callerPcm: record.callerPcm, botPcm: record.botPcm },
    deps,
  );
  return {
    conversation,
    record,
    evaluation,
    evaluationError,
    wallMs: performance.now() - t0,
    conversationWallMs,
  };
}
