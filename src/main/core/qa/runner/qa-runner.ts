import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  QA_CALLER_KINDS,
  scenarioCallers,
  verdictOf,
  type QaCallerKind,
  type QaRunDetail,
  type QaRunSummary,
  type QaScenarioRunInfo,
  type QaSkippedRun,
  type QaSuiteDetail,
  type QaUpdatedEvent,
  type QaVerdict,
} from '../../../../shared/qa';
import type { QaRescoreInfo } from '../../../../shared/qa-rescore';
import type { Artifacts } from '../../artifacts';
import { JobError, type JobEngine, type JobKind } from '../../jobs';
import type { Logger } from '../../logging';
import { pcmWav } from '../../speech';
import type { QaRepository } from '../../store';
import {
  testCallVariables,
  UnknownBotError,
  type BotDefinition,
  type BotRegistry,
  type SessionSpeech,
} from '../../voicebot';
import { CallerAudioError, loadClip, SpeechCache } from '../callers/caller-audio';
import { splitCallerTurns } from '../callers/recorded-call';
import type { Judge } from '../evaluator';
import { problemLine } from '../report/junit';
import { loadSuite, type LoadedScenario } from '../scenario/suite-loader';
import { runOne, type BotTarget, type OneRun } from './one-run';
import { rescoreInfo, rescoreRun } from './rescore';
import { scenarioRunSeed, scenarioVariables } from './seeded';

export const QA_JOB_KIND = 'qa.run';

const RunInput = z
  .object({
    runId: z.string(),
    dir: z.string(),
    bot: z.string().optional(),
    callers: z.array(z.enum(QA_CALLER_KINDS)).optional(),
    parallel: z.number().int().min(1),
    repeat: z.number().int().min(1),
    seed: z.number().int().min(0),
    only: z.array(z.string()).optional(),
  })
  .strict();
export type QaRunInput = z.infer<typeof RunInput>;

export interface QaRunResult {
  runId: string;
  counts: Record<QaVerdict, number>;
  /** Planned runs not run (e.g. the llm caller with no LLM configured). */
  skipped?: number;
  mediaMs: number;
  wallMs: number;
}

export interface QaRunnerDeps {
  repo: QaRepository;
  artifacts: () => Artifacts;
  jobs: JobEngine;
  dataDir: string;
  log: Logger;
  speech: () => Promise<SessionSpeech>;
  /** The bots a run may talk to in process (undefined: only bot URLs). */
  bots: () => Promise<BotRegistry | undefined>;
  judge?: () => Judge | undefined;
  emit: (payload: QaUpdatedEvent) => void;
  /** The caller channel's WAV of a call the voicebot recorded (by session id), or null. */
  sessionCallerWav?: (sessionId: string) => string | null;
}

const stringValues = (v: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(v).flatMap(([k, x]) =>
      typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? [[k, String(x)]] : [],
    ),
  );

/** A bot the registry has by this id, or undefined. */
const registryBot = (registry: BotRegistry | undefined, id: string): BotDefinition | undefined =>
  registry?.has(id) ? registry.resolve(id) : undefined;

const isUrl = (bot: string | undefined): bot is string => !!bot && /^wss?:\/\//i.test(bot);

/** Planned scenario runs, in order: scenario, then caller, then repeat. */
export function planRuns(
  scenarios: LoadedScenario[],
  input: Pick<QaRunInput, 'callers' | 'repeat' | 'seed' | 'only'>,
): {
  file: string;
  scenario: LoadedScenario['scenario'];
  caller: QaCallerKind;
  repeat: number;
  seed: number;
}[] {
  const out = [];
  for (const { file, scenario } of scenarios) {
    if (input.only && !input.only.includes(file)) continue;
    const own = scenarioCallers(scenario);
    const callers = input.callers ? own.filter((c) => input.callers?.includes(c)) : own;
    for (const caller of callers) {
      for (let repeat = 1; repeat <= input.repeat; repeat++) {
        out.push({ file, scenario, caller, repeat, seed: scenarioRunSeed(input.seed, scenario, repeat) });
      }
    }
  }
  return out;
}

/** Why a suite plans no run: no scenario files, only invalid ones, or none for the chosen callers. */
function nothingToRun(suite: QaSuiteDetail): string {
  if (suite.scenarios === 0) return 'no scenario files (*.yaml) in this folder';
  const invalid = suite.items.filter((i) => i.problems.length > 0);
  if (invalid.length === suite.scenarios) {
    const first = invalid[0]?.problems[0];
    return (
      `no valid scenario: ${invalid.length === 1 ? 'its only scenario file is' : `all ${invalid.length} scenario files are`} invalid` +
      (first ? ` (${problemLine(first)})` : '')
    );
  }
  return 'no valid scenario runs for the chosen callers';
}

/** Why the llm caller cannot run here: it needs a model to play the customer. */
export const LLM_NOT_CONFIGURED =
  'not configured: the llm caller needs an LLM (an OpenAI-compatible endpoint and model in Settings > Speech)';

/**
 * The planned runs that can run with these speech providers; the rest are skipped, never failed: an
 * llm caller without an LLM is a missing setting, not a bot failure.
 */
export function runnable<P extends ReturnType<typeof planRuns>[number]>(
  planned: P[],
  speech: Pick<SessionSpeech, 'llm'>,
): { planned: P[]; skipped: QaSkippedRun[] } {
  const skipped: QaSkippedRun[] = [];
  const out: P[] = [];
  for (const p of planned) {
    if (p.caller === 'llm' && !speech.llm) {
      skipped.push({
        scenarioFile: p.file,
        scenarioName: p.scenario.name,
        caller: p.caller,
        repeat: p.repeat,
        reason: 'not_configured',
        message: LLM_NOT_CONFIGURED,
      });
    } else out.push(p);
  }
  return { planned: out, skipped };
}

/**
 * Runs QA suites as jobs: each scenario × caller × repeat as one conversation, `parallel` at a time,
 * each recorded (both channels as artifacts, the turns and the verdict in SQLite) as it finishes.
 */
export class QaRunner {
  private readonly kind: JobKind<QaRunInput, QaRunResult>;

  constructor(private readonly d: QaRunnerDeps) {
    this.kind = {
      name: QA_JOB_KIND,
      unit: 'scenarios',
      restart: { action: 'interrupt', reason: 'CallDeck stopped during this QA run: start it again.' },
      input: RunInput,
      run: (input, ctx) =>
        this.execute(input, ctx.signal, (done, total, note) => ctx.progress({ done, total, note })),
      summarize: (r) =>
        `${r.counts.passed} passed, ${r.counts.failed} failed` +
        (r.counts.no_verdict ? `, ${r.counts.no_verdict} no verdict` : '') +
        (r.counts.pending ? `, ${r.counts.pending} not scored` : '') +
        (r.skipped ? `, ${r.skipped} skipped` : '') +
        (r.wallMs > 0 ? ` (${(r.mediaMs / r.wallMs).toFixed(1)}x real time)` : ''),
      failure: (err) => (err instanceof JobError ? err.toInfo() : undefined),
      interrupted: (input, reason) => this.d.repo.finishRun(input.runId, 'failed', 0, 0, reason),
    };
    d.jobs.register(this.kind);
  }

  /** Starts a run as a job. The suite and the bot are checked first: a bad request starts nothing. */
  async start(req: Omit<QaRunInput, 'runId'>, actor: string): Promise<{ runId: string; jobId: string }> {
    const suite = await loadSuite(req.dir);
    const planned = planRuns(suite.scenarios, req);
    if (planned.length === 0)
      throw new JobError('empty', `${suite.detail.dir}: ${nothingToRun(suite.detail)}`);
    const registry = isUrl(req.bot) ? undefined : await this.d.bots();
    if (!isUrl(req.bot)) for (const p of planned) this.target(registry, req.bot, p.scenario.bot);
    const runId = randomUUID();
    this.d.repo.insertRun({
      id: runId,
      jobId: null,
      suiteDir: suite.detail.dir,
      suiteName: suite.detail.name,
      bot: req.bot ?? planned[0]?.scenario.bot ?? registry?.resolve().id ?? 'default',
      callers: [...new Set(planned.map((p) => p.caller))],
      repeat: req.repeat,
      parallel: req.parallel,
      seed: req.seed,
      total: planned.length,
      startedAt: new Date().toISOString(),
    });
    const job = this.d.jobs.start(
      this.kind,
      { ...req, dir: suite.detail.dir, runId },
      {
        title: `QA run: ${suite.detail.name}`,
        subject: `qa_run:${runId}`,
        actor,
      },
    );
    this.d.repo.setJob(runId, job.id);
    this.d.emit({ runId, state: 'running', done: 0, total: planned.length, scenarioRunId: null });
    return { runId, jobId: job.id };
  }

  runs(limit: number): QaRunSummary[] {
    return this.d.repo.runs(limit);
  }

  detail(runId: string): QaRunDetail | undefined {
    const run = this.d.repo.run(runId);
    return run ? { ...run, scenarios: this.d.repo.scenarioRuns(runId) } : undefined;
  }

  summary(runId: string): QaRunSummary | undefined {
    return this.d.repo.run(runId);
  }

  scenarioRun(id: string): QaScenarioRunInfo | undefined {
    return this.d.repo.scenarioRun(id);
  }

  /** Scores a finished run again with the current evaluator and judge; kept beside its verdicts. */
  rescore(runId: string, actor: string): Promise<QaRescoreInfo> {
    return rescoreRun(this.d, runId, actor);
  }

  /** A run's re-scores, newest first, each against the run's recorded verdicts. */
  rescores(runId: string): QaRescoreInfo[] {
    const scenarios = this.d.repo.scenarioRuns(runId);
    return this.d.repo.rescores(runId).map((r) => rescoreInfo(r, scenarios));
  }

  private target(
    registry: BotRegistry | undefined,
    requested: string | undefined,
    fromScenario: string | undefined,
  ): BotTarget {
    if (isUrl(requested)) return { kind: 'url', url: requested };
    if (!registry) throw new JobError('no_bot', 'No bot is available in this profile: give a bot URL');
    try {
      return { kind: 'local', bot: registry.resolve(requested ?? fromScenario) };
    } catch (err) {
      if (err instanceof UnknownBotError) throw new JobError('unknown_bot', err.message);
      throw err;
    }
  }

  private async execute(
    input: QaRunInput,
    signal: AbortSignal,
    progress: (done: number, total: number, note: string) => void,
  ): Promise<QaRunResult> {
    const t0 = performance.now();
    const { runId } = input;
    let mediaMs = 0;
    let result: QaRunResult;
    try {
      const suite = await loadSuite(input.dir);
      const speech = await this.d.speech();
      const { planned, skipped } = runnable(planRuns(suite.scenarios, input), speech);
      if (skipped.length > 0) {
        this.d.repo.setSkipped(runId, skipped, planned.length);
        this.d.log.warn('qa: scenario runs skipped', {
          runId,
          skipped: skipped.length,
          why: skipped[0]?.message,
        });
      }
      // A bot URL still loads the registry: a scenario naming its bot is heard with that bot's lines.
      const registry = await this.d.bots().catch((err: unknown) => {
        if (!isUrl(input.bot)) throw err;
        this.d.log.warn('qa: no bot registry for hearing a bot URL', { err });
        return undefined;
      });
      const cache = new SpeechCache(speech.tts, path.join(this.d.dataDir, 'qa', 'tts-cache'));
      const judge = this.d.judge?.();
      const heard = new Map<string, string>();
      const recorded = new Map<string, Promise<Buffer[]>>();
      const recordedTurns = (sessionId: string): Promise<Buffer[]> => {
        let turns = recorded.get(sessionId);
        if (!turns) {
          const file = this.d.sessionCallerWav?.(sessionId) ?? null;
          turns = file
            ? loadClip(file).then((pcm) => splitCallerTurns(pcm, speech.vad))
            : Promise.reject(
                new CallerAudioError(`no recorded call ${sessionId} (or its recording is gone)`),
              );
          recorded.set(sessionId, turns);
        }
        return turns;
      };
      const dir = path.join(this.d.dataDir, 'qa', 'runs', runId);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      let next = 0;
      let done = 0;
      progress(0, planned.length, 'starting');
      const worker = async () => {
        while (!signal.aborted) {
          const seq = next++;
          const p = planned[seq];
          if (!p) return;
          const target = this.target(registry, input.bot, p.scenario.bot);
          const given = scenarioVariables(p.scenario, p.seed);
          const heardBot =
            target.kind === 'local'
              ? target.bot
              : p.scenario.bot
                ? registryBot(registry, p.scenario.bot)
                : undefined;
          const run: OneRun = {
            suiteDir: suite.detail.dir,
            file: p.file,
            scenario: p.scenario,
            caller: p.caller,
            repeat: p.repeat,
            seed: p.seed,
            // The contact row the bot sees: an in-process bot fills what is missing as a test call does
            // (its defaults, then examples), and the evaluator must hear the lines those values make.
            variables: heardBot ? stringValues(testCallVariables(heardBot, given)) : given,
            target,
            ...(target.kind === 'url' && heardBot ? { hearAs: heardBot } : {}),
          };
          const result = await runOne(run, {
            speech,
            cache,
            heard,
            recordedTurns,
            log: this.d.log,
            signal,
            ...(judge ? { judge } : {}),
          });
          if (signal.aborted) return;
          mediaMs += result.record.durationMs;
          const id = randomUUID();
          const base = `${String(seq + 1).padStart(3, '0')}-${p.file.replace(/\.ya?ml$/i, '')}-${p.caller}-r${p.repeat}`;
          const audio = await this.saveAudio(dir, base, runId, result.record.callerPcm, result.record.botPcm);
          const verdict = result.evaluationError ? 'no_verdict' : verdictOf(result.evaluation);
          this.d.repo.insertScenarioRun({
            id,
            runId,
            seq,
            scenarioFile: p.file,
            scenarioName: p.scenario.name,
            caller: p.caller,
            repeat: p.repeat,
            seed: p.seed,
            verdict,
            endReason: result.conversation.endReason,
            error:
              result.conversation.error ??
              (result.evaluationError ? `evaluation failed: ${result.evaluationError}` : null),
            durationMs: result.record.durationMs,
            wallMs: result.wallMs,
            disposition: result.conversation.disposition,
            transfer: result.conversation.transfer,
            variables: run.variables,
            evaluation: result.evaluation,
            callerAudio: audio.caller,
            botAudio: audio.bot,
            turns: result.record.turns,
          });
          done++;
          progress(done, planned.length, `${p.scenario.name} (${p.caller}): ${verdict}`);
          this.d.emit({ runId, state: 'running', done, total: planned.length, scenarioRunId: id });
        }
      };
      // Scoring shares the speech's recogniser: the offline pool keys decoders by grammar, and its
      // queue puts the bot's live turns before scoring (see SCORING_DEADLINE_MS).
      await Promise.all(Array.from({ length: Math.min(input.parallel, planned.length) }, () => worker()));
      const wallMs = performance.now() - t0;
      const state = signal.aborted ? 'cancelled' : 'finished';
      this.d.repo.finishRun(runId, state, mediaMs, wallMs, null);
      this.d.emit({ runId, state, done, total: planned.length, scenarioRunId: null });
      const summary = this.d.repo.run(runId);
      result = {
        runId,
        counts: summary?.counts ?? { pending: 0, passed: 0, failed: 0, no_verdict: 0 },
        skipped: skipped.length,
        mediaMs,
        wallMs,
      };
    } catch (err) {
      this.d.repo.finishRun(
        runId,
        'failed',
        mediaMs,
        performance.now() - t0,
        err instanceof Error ? err.message : String(err),
      );
      this.d.emit({ runId, state: 'failed', done: 0, total: 0, scenarioRunId: null });
      throw err;
    }
    // The engine reads a cancelled job from its signal once the run has unwound.
    if (signal.aborted) throw new JobError('cancelled', 'The QA run was cancelled');
    return result;
  }

  private async saveAudio(
    dir: string,
    base: string,
    runId: string,
    caller: Buffer,
    bot: Buffer,
  ): Promise<{ caller: string | null; bot: string | null }> {
    if (caller.length === 0 && bot.length === 0) return { caller: null, bot: null };
    const out: { caller: string | null; bot: string | null } = { caller: null, bot: null };
    for (const [channel, pcm] of [
      ['caller', caller],
      ['bot', bot],
    ] as const) {
      const file = path.join(dir, `${base}-${channel}.wav`);
      await fs.writeFile(file, pcmWav(pcm, 8000), { mode: 0o600 });
      out[channel] = this.d.artifacts().register({
        kind: 'recording',
        path: file,
        name: path.basename(file),
        mime: 'audio/wav',
        owner: `qa_run:${runId}`,
      }).id;
    }
    return out;
  }
}
