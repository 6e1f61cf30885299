import type React from 'react';
import { useMemo } from 'react';
import type { QaRunDetail, QaScenarioRunInfo } from '../../../../shared/qa';
import type { QaScenarioStats } from '../../../../shared/qa-stats';
import { defaultPair, groupResults } from './results';
import { Verdict } from './Verdict';

/**
 * A suite run's results: one row per scenario and caller, its repeats' verdicts (each can be picked
 * for the side-by-side player), the kinds of failure, and flaky when repeats disagree.
 */
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** pass@k, pass^k and the pass rate with its 95% interval, from the core's statistics. */
function Rates({ stats, k }: { stats: QaScenarioStats | undefined; k: number }): React.JSX.Element | null {
  if (!stats) return null;
  const r = stats.rates;
  return (
    <span className="qa-rates">
      {r.runs > 0 && (
        <span title="Pass rate with its 95% Wilson interval">
          {pct(r.passRate)} ({pct(r.interval.low)}–{pct(r.interval.high)})
        </span>
      )}{' '}
      <span
        className={r.passAtK ? 'badge badge--ok' : 'badge badge--invalid'}
        title="At least one run passed"
      >
        pass@{k} {r.passAtK ? 'yes' : 'no'}
      </span>{' '}
      <span className={r.passHatK ? 'badge badge--ok' : 'badge badge--invalid'} title="Every run passed">
        pass^{k} {r.passHatK ? 'yes' : 'no'}
      </span>
      {r.noVerdict > 0 && <span className="muted"> · {r.noVerdict} without a verdict</span>}
    </span>
  );
}

export function ResultsTable({
  run,
  stats,
  compare,
  onToggle,
  onPair,
  changes,
}: {
  run: QaRunDetail;
  stats: QaScenarioStats[];
  compare: QaScenarioRunInfo[];
  onToggle: (r: QaScenarioRunInfo) => void;
  onPair: (runs: QaScenarioRunInfo[]) => void;
  /** Against a baseline run: `scenarioFile\u0000caller` → regressed or fixed. */
  changes?: ReadonlyMap<string, 'regressed' | 'fixed'>;
}): React.JSX.Element {
  const groups = useMemo(() => groupResults(run.scenarios), [run.scenarios]);
  if (groups.length === 0) return <p className="muted">No scenario has finished yet.</p>;
  return (
    <table className="table" aria-label="Results">
      <thead>
        <tr>
          <th scope="col">Scenario</th>
          <th scope="col">Caller</th>
          <th scope="col">Runs (pick two to compare)</th>
          <th scope="col">Passed</th>
          <th scope="col">Failure kinds</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.key} data-testid={`result-${g.scenarioFile}-${g.caller}`}>
            <td>
              {g.scenarioName} <span className="muted">{g.scenarioFile}</span>
            </td>
            <td>{g.caller}</td>
            <td>
              {g.runs.map((r) => {
                const picked = compare.some((c) => c.id === r.id);
                return (
                  <button
                    key={r.id}
                    type="button"
                    className={picked ? 'qa-run-pick qa-run-pick--on' : 'qa-run-pick'}
                    aria-pressed={picked}
                    aria-label={`Compare ${g.scenarioName} · ${g.caller} #${r.repeat}`}
                    title={r.error ?? r.endReason}
                    onClick={() => onToggle(r)}
                  >
                    #{r.repeat} <Verdict result={r.verdict} />
                  </button>
                );
              })}
            </td>
            <td>
              {g.passed} of {g.runs.length}{' '}
              <Rates
                stats={stats.find((x) => x.scenarioFile === g.scenarioFile && x.caller === g.caller)}
                k={g.runs.length}
              />{' '}
              {g.flaky && <span className="badge badge--dnc">flaky</span>}
              {changes?.get(g.key) === 'regressed' && <span className="badge badge--invalid">regressed</span>}
              {changes?.get(g.key) === 'fixed' && <span className="badge badge--ok">fixed</span>}
            </td>
            <td>
              {g.failureKinds.map((k) => (
                <span key={k} className="badge badge--invalid">
                  {k}
                </span>
              ))}
            </td>
            <td>
              <button
                type="button"
                className="button--quiet"
                onClick={() => onPair(defaultPair(run.scenarios, g.scenarioFile))}
              >
                Side by side
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
