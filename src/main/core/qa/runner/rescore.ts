import { randomUUID } from 'node:crypto';
import {
  verdictOf,
  type QaConversation,
  type QaFailure,
  type QaScenarioRunInfo,
  type QaVerdict,
} from '../../../../shared/qa';
import type { QaRescoredRun, QaRescoreInfo } from '../../../../shared/qa-rescore';
import type { Artifacts } from '../../artifacts';
import type { Logger } from '../../logging';
import type { QaRepository } from '../../store';
import type { BotDefinition, BotRegistry, SessionSpeech } from '../../voicebot';
import { loadClip } from '../callers/caller-audio';
import type { Judge } from '../evaluator';
import { loadSuite, type LoadedScenario } from '../scenario/suite-loader';
import { scoreConversation, type BotTarget, type OneRun } from './one-run';

// Re-scoring: a stored run's recorded channels and turns evaluated again, with the evaluator, judge
// and scenario file as they are now. The new verdicts are stored beside the old, never over them.

export interface RescoreDeps {
  repo: QaRepository;
  artifacts: () => Artifacts;
  speech: () => Promise<SessionSpeech>;
  bots: () => Promise<BotRegistry | undefined>;
  judge?: () => Judge | undefined;
  log: Logger;
}

export class RescoreError extends Error {
  override readonly name = 'RescoreError';
  constructor(
    message: string,
    /** not_found: no such run; refused: the run cannot be scored again (still running). */
    readonly kind: 'not_found' | 'refused' | 'scenario' = 'scenario',
  ) {
    super(message);
  }
}

type Stored = ReturnType<QaRepository['rescores']>[number];

const failureKey = (f: QaFailure) => JSON.stringify([f.kind, f.turn ?? null, f.expectation]);

/** What changed between a scenario run's recorded scoring and a new one. */
export function rescoredRun(
  s: QaScenarioRunInfo,
  after: { verdict: QaVerdict; evaluation: QaScenarioRunInfo['evaluation']; error: string | null },
): QaRescoredRun {
  const old = s.evaluation?.failures ?? [];
  const now = after.evaluation?.failures ?? [];
  const oldKeys = new Set(old.map(failureKey));
  const nowKeys = new Set(now.map(failureKey));
  return {
    scenarioRunId: s.id,
    scenarioFile: s.scenarioFile,
    scenarioName: s.scenarioName,
    caller: s.caller,
    repeat: s.repeat,
    before: s.verdict,
    after: after.verdict,
    changed: s.verdict !== after.verdict,
    newFailures: now.filter((f) => !oldKeys.has(failureKey(f))),
    goneFailures: old.filter((f) => !nowKeys.has(failureKey(f))),
    judgeBefore: s.evaluation?.judge ?? null,
    judgeAfter: after.evaluation?.judge ?? null,
    error: after.error,
    evaluation: after.evaluation,
  };
}

/** A stored re-score with what changed, against the run's recorded verdicts. */
export function rescoreInfo(stored: Stored, scenarios: readonly QaScenarioRunInfo[]): QaRescoreInfo {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const results = stored.results.flatMap((r) => {
    const s = byId.get(r.scenarioRunId);
    return s ? [rescoredRun(s, r)] : [];
  });
  return { ...stored, results, changed: results.filter((r) => r.changed).length };
}

const isUrl = (bot: string) => /^wss?:\/\//i.test(bot);

/**
 * The bot a stored scenario run talked to, as the runner chose it: a URL (heard as the bot its
 * scenario names), else the scenario's own bot, else the run's. (A run that named a bot over a
 * scenario's own is not told apart here: the run stores only one bot.)
 */
function storedTarget(
  runBot: string,
  scenario: LoadedScenario['scenario'],
  registry: BotRegistry | undefined,
): { target: BotTarget; hearAs?: BotDefinition } {
  const known = (id: string | undefined) => (id && registry?.has(id) ? registry.resolve(id) : undefined);
  if (isUrl(runBot)) {
    const hearAs = known(scenario.bot);
    return { target: { kind: 'url', url: runBot }, ...(hearAs ? { hearAs } : {}) };
  }
  const bot = known(scenario.bot) ?? known(runBot);
  if (!bot) throw new RescoreError(`the bot ${scenario.bot ?? runBot} is not in the bot registry`);
  return { target: { kind: 'local', bot } };
}

/** Evaluates every scenario run of a stored run again and stores the result beside the old verdicts. */
export async function rescoreRun(d: RescoreDeps, runId: string, actor: string): Promise<QaRescoreInfo> {
  const run = d.repo.run(runId);
  if (!run) throw new RescoreError(`No QA run ${runId}`, 'not_found');
  if (run.state === 'running')
    throw new RescoreError(`QA run ${runId} is still running: score it again when it ends`, 'refused');
  const scenarios = d.repo.scenarioRuns(runId);
  const suite = await loadSuite(run.suiteDir).catch(() => undefined);
  const speech = await d.speech();
  const registry = await d.bots().catch(() => undefined);
  const judge = d.judge?.();
  const heard = new Map<string, string>();
  const channel = async (id: string | null): Promise<Buffer> => {
    // No artifact: nothing was recorded (a call that never started), scored as it was.
    if (id === null) return Buffer.alloc(0);
    const row = d.artifacts().get(id);
    const file = row ? d.artifacts().filePath(row) : undefined;
    if (!file) throw new RescoreError('its recorded audio is gone');
    return loadClip(file);
  };
  const results: Stored['results'] = [];
  for (const s of scenarios) {
    try {
      const scenario = suite?.scenarios.find((x) => x.file === s.scenarioFile)?.scenario;
      if (!scenario)
        throw new RescoreError(`the scenario ${s.scenarioFile} is no longer a valid file of ${run.suiteDir}`);
      const conversation: QaConversation = {
        scenarioFile: s.scenarioFile,
        scenarioName: s.scenarioName,
        caller: s.caller,
        repeat: s.repeat,
        seed: s.seed,
        variables: s.variables,
        turns: s.turns,
        durationMs: s.durationMs,
        endReason: s.endReason,
        error: s.error,
        disposition: s.disposition,
        transfer: s.transfer,
        botSessionId: null,
      };
      const one: OneRun = {
        suiteDir: run.suiteDir,
        file: s.scenarioFile,
        scenario,
        caller: s.caller,
        repeat: s.repeat,
        seed: s.seed,
        variables: s.variables,
        ...storedTarget(run.bot, scenario, registry),
      };
      const channels = { callerPcm: await channel(s.callerAudio), botPcm: await channel(s.botAudio) };
      const { evaluation, evaluationError } = await scoreConversation(one, conversation, channels, {
        speech,
        heard,
        log: d.log,
        ...(judge ? { judge } : {}),
      });
      results.push({
        scenarioRunId: s.id,
        verdict: evaluationError ? 'no_verdict' : verdictOf(evaluation),
        evaluation,
        error: evaluationError ? `evaluation failed: ${evaluationError}` : null,
      });
    } catch (err) {
      if (!(err instanceof RescoreError)) throw err;
      results.push({
        scenarioRunId: s.id,
        verdict: 'no_verdict',
        evaluation: null,
        error: `not scored again: ${err.message}`,
      });
    }
  }
  const stored: Stored = { id: randomUUID(), runId, actor, createdAt: new Date().toISOString(), results };
  d.repo.insertRescore(stored);
  return rescoreInfo(stored, scenarios);
}
