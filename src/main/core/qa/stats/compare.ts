import type { FailureKind, Outcome } from '../evaluator/verdict';
import { wordDiff, type DiffOp } from './word-diff';

/** The parts of a scored scenario run that a comparison reads. */
export interface ComparableTurn {
  index: number;
  callerText: string;
  botText: string;
  latencyMs?: number;
  outcome: Outcome;
}

export interface ComparableRun {
  /** Scenario name (the key runs are matched on), caller kind and repeat number. */
  scenario: string;
  caller: string;
  repeat: number;
  outcome: Outcome;
  failureKinds: FailureKind[];
  turns: ComparableTurn[];
}

export interface TurnComparison {
  index: number;
  /** Present on one side only when the conversations differ in length. */
  a?: ComparableTurn;
  b?: ComparableTurn;
  callerDiff: DiffOp[];
  botDiff: DiffOp[];
  /** b - a, ms; absent unless both turns have a latency. */
  latencyDeltaMs?: number;
  verdictChanged: boolean;
}

export interface RunComparison {
  turns: TurnComparison[];
  sameWords: boolean;
  outcomeA: Outcome;
  outcomeB: Outcome;
  /** Mean latency of b minus mean latency of a, over the turns both measured. */
  meanLatencyDeltaMs?: number;
}

/** Two runs of one scenario (human vs synthetic, or bot A vs bot B), turn by turn. */
export function compareRuns(a: ComparableRun, b: ComparableRun): RunComparison {
  const turns: TurnComparison[] = [];
  const n = Math.max(a.turns.length, b.turns.length);
  const deltas: number[] = [];
  for (let i = 0; i < n; i++) {
    const ta = a.turns[i];
    const tb = b.turns[i];
    const latencyDeltaMs =
      ta?.latencyMs !== undefined && tb?.latencyMs !== undefined ? tb.latencyMs - ta.latencyMs : undefined;
    if (latencyDeltaMs !== undefined) deltas.push(latencyDeltaMs);
    turns.push({
      index: i,
      a: ta,
      b: tb,
      callerDiff: wordDiff(ta?.callerText ?? '', tb?.callerText ?? ''),
      botDiff: wordDiff(ta?.botText ?? '', tb?.botText ?? ''),
      latencyDeltaMs,
      verdictChanged: ta?.outcome !== tb?.outcome,
    });
  }
  return {
    turns,
    sameWords: turns.every((t) => t.botDiff.every((d) => d.op === 'same')),
    outcomeA: a.outcome,
    outcomeB: b.outcome,
    meanLatencyDeltaMs: deltas.length ? deltas.reduce((s, d) => s + d, 0) / deltas.length : undefined,
  };
}

export interface ScenarioChange {
  scenario: string;
  caller: string;
  baseline: Outcome;
  current: Outcome;
  /** Failure kinds seen in the current run (for regressions) or the baseline (for fixes). */
  kinds: FailureKind[];
}

export interface SuiteComparison {
  /** Passed in the baseline, fail now. */
  regressions: ScenarioChange[];
  /** Failed in the baseline, pass now. */
  fixes: ScenarioChange[];
  /** Same outcome in both. */
  unchanged: ScenarioChange[];
  /** Any other change (to or from no verdict): not a regression, shown apart. */
  undecided: ScenarioChange[];
  onlyInBaseline: { scenario: string; caller: string }[];
  onlyInCurrent: { scenario: string; caller: string }[];
}

/**
 * A suite run against a baseline run. Each scenario × caller is summarised over its repeats: it
 * passes when every repeat passed, fails when any repeat failed, else has no verdict; a flaky
 * scenario that failed in either run therefore counts as failing there.
 */
export function compareSuite(
  baseline: readonly ComparableRun[],
  current: readonly ComparableRun[],
): SuiteComparison {
  const summarise = (runs: readonly ComparableRun[]) => {
    const map = new Map<
      string,
      { scenario: string; caller: string; outcome: Outcome; kinds: Set<FailureKind> }
    >();
    for (const r of runs) {
      const key = JSON.stringify([r.scenario, r.caller]);
      const entry = map.get(key) ?? {
        scenario: r.scenario,
        caller: r.caller,
        outcome: 'pass' as Outcome,
        kinds: new Set(),
      };
      if (r.outcome === 'fail') entry.outcome = 'fail';
      else if (r.outcome === 'no_verdict' && entry.outcome === 'pass') entry.outcome = 'no_verdict';
      for (const k of r.failureKinds) entry.kinds.add(k);
      map.set(key, entry);
    }
    return map;
  };
  const base = summarise(baseline);
  const now = summarise(current);
  const result: SuiteComparison = {
    regressions: [],
    fixes: [],
    unchanged: [],
    undecided: [],
    onlyInBaseline: [],
    onlyInCurrent: [],
  };
  for (const [key, b] of base) {
    const c = now.get(key);
    if (!c) {
      result.onlyInBaseline.push({ scenario: b.scenario, caller: b.caller });
      continue;
    }
    const change = (kinds: Set<FailureKind>): ScenarioChange => ({
      scenario: b.scenario,
      caller: b.caller,
      baseline: b.outcome,
      current: c.outcome,
      kinds: [...kinds].sort(),
    });
    if (b.outcome === c.outcome) result.unchanged.push(change(c.kinds));
    else if (b.outcome === 'pass' && c.outcome === 'fail') result.regressions.push(change(c.kinds));
    else if (b.outcome === 'fail' && c.outcome === 'pass') result.fixes.push(change(b.kinds));
    else result.undecided.push(change(c.outcome === 'fail' ? c.kinds : b.kinds));
  }
  for (const [key, c] of now)
    if (!base.has(key)) result.onlyInCurrent.push({ scenario: c.scenario, caller: c.caller });
  const order = (x: { scenario: string; caller: string }, y: { scenario: string; caller: string }) =>
    x.scenario.localeCompare(y.scenario) || x.caller.localeCompare(y.caller);
  for (const list of Object.values(result)) (list as { scenario: string; caller: string }[]).sort(order);
  return result;
}
