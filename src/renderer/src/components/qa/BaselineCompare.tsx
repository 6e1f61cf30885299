import type React from 'react';
import { useId, useState } from 'react';
import type { QaRunDetail, QaRunSummary, QaScenarioRunInfo } from '../../../../shared/qa';
import type { QaCompareSuiteResult, QaScenarioChange } from '../../../../shared/qa-compare';
import { runOf } from './results';
import { Verdict } from './Verdict';
import { formatDateTime } from '../../format';

type Pair = (runs: QaScenarioRunInfo[]) => void;

const when = (r: QaRunSummary) => formatDateTime(r.startedAt);

function Changes({
  title,
  changes,
  baseline,
  current,
  onPair,
}: {
  title: string;
  changes: QaScenarioChange[];
  baseline: QaRunDetail;
  current: QaRunDetail;
  onPair: Pair;
}): React.JSX.Element | null {
  if (changes.length === 0) return null;
  return (
    <div>
      <h3>
        {title} ({changes.length})
      </h3>
      <ul aria-label={title}>
        {changes.map((c) => {
          const a = runOf(baseline.scenarios, c.scenario, c.caller);
          const b = runOf(current.scenarios, c.scenario, c.caller);
          return (
            <li key={`${c.scenario}\u0000${c.caller}`} data-testid={`change-${c.scenario}-${c.caller}`}>
              {c.scenario} [{c.caller}]: <Verdict result={c.baseline} /> → <Verdict result={c.current} />{' '}
              {c.kinds.map((k) => (
                <span key={k} className="badge badge--invalid">
                  {k}
                </span>
              ))}{' '}
              {a && b && (
                <button
                  type="button"
                  className="button--quiet"
                  aria-label={`Compare ${c.scenario} [${c.caller}] with the baseline`}
                  onClick={() => onPair([a, b])}
                >
                  Side by side
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Missing({
  title,
  items,
}: {
  title: string;
  items: { scenario: string; caller: string }[];
}): React.JSX.Element | null {
  if (items.length === 0) return null;
  return (
    <div>
      <h3>
        {title} ({items.length})
      </h3>
      <ul aria-label={title}>
        {items.map((m) => (
          <li key={`${m.scenario}\u0000${m.caller}`}>
            {m.scenario} [{m.caller}]
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The open suite run against a baseline run (an earlier run of the same suite): regressions, fixes,
 * changes to or from no verdict, and scenarios only one of the two ran; each change opens both runs
 * side by side.
 */
export function BaselineCompare({
  run,
  runs,
  baseline,
  onCompare,
  onClear,
  onPair,
}: {
  run: QaRunDetail;
  runs: QaRunSummary[];
  baseline: { result: QaCompareSuiteResult; run: QaRunDetail } | null;
  onCompare: (baselineRunId: string) => void;
  onClear: () => void;
  onPair: Pair;
}): React.JSX.Element {
  const id = useId();
  const candidates = runs.filter(
    (r) => r.id !== run.id && r.suiteDir === run.suiteDir && r.state !== 'running',
  );
  const [chosen, setChosen] = useState('');
  const value = candidates.some((r) => r.id === chosen) ? chosen : (candidates[0]?.id ?? '');
  const c = baseline?.result.comparison;
  return (
    <section className="qa-baseline" aria-label="Baseline comparison">
      <div className="toolbar toolbar--wrap">
        <label htmlFor={`${id}-baseline`}>Baseline run</label>
        <select
          id={`${id}-baseline`}
          value={value}
          disabled={candidates.length === 0}
          onChange={(e) => setChosen(e.target.value)}
        >
          {candidates.length === 0 && <option value="">no other run of this suite</option>}
          {candidates.map((r) => (
            <option key={r.id} value={r.id}>
              {when(r)} · {r.bot} · {r.counts.passed} passed, {r.counts.failed} failed
            </option>
          ))}
        </select>
        <button type="button" disabled={!value} onClick={() => onCompare(value)}>
          Compare with baseline
        </button>
        {baseline && (
          <button type="button" className="button--quiet" onClick={onClear}>
            Close comparison
          </button>
        )}
      </div>
      {baseline && c && (
        <>
          <p data-testid="baseline-summary">
            Against {when(baseline.result.baseline)} ({baseline.result.baseline.bot}): {c.regressions.length}{' '}
            regressed, {c.fixes.length} fixed, {c.undecided.length} to or from no verdict,{' '}
            {c.unchanged.length} unchanged, {c.onlyInBaseline.length} only in the baseline,{' '}
            {c.onlyInCurrent.length} only in this run
          </p>
          {(
            [
              ['Regressions', c.regressions],
              ['Fixes', c.fixes],
              ['To or from no verdict', c.undecided],
              ['Unchanged', c.unchanged],
            ] as const
          ).map(([title, changes]) => (
            <Changes
              key={title}
              title={title}
              changes={changes}
              baseline={baseline.run}
              current={run}
              onPair={onPair}
            />
          ))}
          <Missing title="Only in the baseline" items={c.onlyInBaseline} />
          <Missing title="Only in this run" items={c.onlyInCurrent} />
        </>
      )}
    </section>
  );
}
