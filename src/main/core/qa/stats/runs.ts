import type { QaCallerKind, QaScenarioRunInfo, QaVerdict } from '../../../../shared/qa';
import type { Outcome } from '../evaluator/verdict';
import type { ComparableRun } from './compare';
import { scenarioRates, type RunOutcome, type ScenarioRates } from './pass-rates';

// Stored scenario runs as the statistics read them.

/** A pending (unscored) run is not a pass: it counts as no verdict. */
export function outcomeOfVerdict(verdict: QaVerdict): Outcome {
  switch (verdict) {
    case 'passed':
      return 'pass';
    case 'failed':
      return 'fail';
    case 'no_verdict':
    case 'pending':
      return 'no_verdict';
  }
}

export function toComparable(run: QaScenarioRunInfo): ComparableRun {
  const scored = new Map((run.evaluation?.turns ?? []).map((t) => [t.index, t]));
  return {
    scenario: run.scenarioFile,
    caller: run.caller,
    repeat: run.repeat,
    outcome: outcomeOfVerdict(run.verdict),
    failureKinds: [...new Set((run.evaluation?.failures ?? []).map((f) => f.kind))].sort(),
    turns: run.turns.map((t) => {
      const s = scored.get(t.index);
      return {
        index: t.index,
        callerText: s?.callerText ?? t.callerText ?? '',
        botText: s?.botText ?? t.botTextReported ?? '',
        ...(s?.latencyMs !== undefined ? { latencyMs: s.latencyMs } : {}),
        outcome: s?.outcome ?? 'no_verdict',
      };
    }),
  };
}

export interface ScenarioSummary {
  scenarioFile: string;
  scenarioName: string;
  caller: QaCallerKind;
  rates: ScenarioRates;
}

/** Per scenario × caller kind over its repeats: pass@k, pass^k, interval, flaky. Sorted by file, caller. */
export function summariseRuns(runs: readonly QaScenarioRunInfo[]): ScenarioSummary[] {
  const groups = new Map<string, { first: QaScenarioRunInfo; outcomes: RunOutcome[] }>();
  for (const r of [...runs].sort((a, b) => a.repeat - b.repeat)) {
    const key = JSON.stringify([r.scenarioFile, r.caller]);
    const g = groups.get(key) ?? { first: r, outcomes: [] };
    g.outcomes.push(outcomeOfVerdict(r.verdict));
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => ({
      scenarioFile: g.first.scenarioFile,
      scenarioName: g.first.scenarioName,
      caller: g.first.caller,
      rates: scenarioRates(g.outcomes),
    }))
    .sort((a, b) => a.scenarioFile.localeCompare(b.scenarioFile) || a.caller.localeCompare(b.caller));
}
