import type { QaCallerKind, QaFailureKind, QaScenarioRunInfo } from '../../../../shared/qa';

/** One scenario with one caller kind: its k repeats, in repeat order. */
export interface ResultGroup {
  key: string;
  scenarioFile: string;
  scenarioName: string;
  caller: QaCallerKind;
  runs: QaScenarioRunInfo[];
  passed: number;
  failed: number;
  /** Kinds of every failure in the group, each once, in the order first met. */
  failureKinds: QaFailureKind[];
  /** Passed in some repeats and failed in others. */
  flaky: boolean;
}

/** The results table's rows: scenario × caller, repeats together. */
export function groupResults(runs: QaScenarioRunInfo[]): ResultGroup[] {
  const groups = new Map<string, ResultGroup>();
  for (const run of runs) {
    const key = `${run.scenarioFile}\u0000${run.caller}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        scenarioFile: run.scenarioFile,
        scenarioName: run.scenarioName,
        caller: run.caller,
        runs: [],
        passed: 0,
        failed: 0,
        failureKinds: [],
        flaky: false,
      };
      groups.set(key, g);
    }
    g.runs.push(run);
    if (run.verdict === 'passed') g.passed++;
    if (run.verdict === 'failed') g.failed++;
    for (const f of run.evaluation?.failures ?? [])
      if (!g.failureKinds.includes(f.kind)) g.failureKinds.push(f.kind);
  }
  const out = [...groups.values()];
  for (const g of out) {
    g.runs.sort((a, b) => a.repeat - b.repeat);
    g.flaky = g.passed > 0 && g.failed > 0;
  }
  return out.sort((a, b) => a.scenarioFile.localeCompare(b.scenarioFile) || a.caller.localeCompare(b.caller));
}

/**
 * Two runs of one scenario to put side by side: a human and a synthetic run when the scenario has
 * both (a failed one first), else its first two runs.
 */
export function defaultPair(runs: QaScenarioRunInfo[], scenarioFile: string): QaScenarioRunInfo[] {
  const mine = runs.filter((r) => r.scenarioFile === scenarioFile);
  const worst = (list: QaScenarioRunInfo[]) => list.find((r) => r.verdict === 'failed') ?? list[0];
  const human = worst(mine.filter((r) => r.caller === 'human'));
  const synthetic = worst(mine.filter((r) => r.caller === 'synthetic'));
  if (human && synthetic) return [human, synthetic];
  return mine.slice(0, 2);
}

/** A scenario × caller's run to show for a change: a failed repeat first, else the first. */
export function runOf(
  runs: QaScenarioRunInfo[],
  scenarioFile: string,
  caller: string,
): QaScenarioRunInfo | undefined {
  const mine = runs.filter((r) => r.scenarioFile === scenarioFile && r.caller === caller);
  return mine.find((r) => r.verdict === 'failed') ?? mine[0];
}
