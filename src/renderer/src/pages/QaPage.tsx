import type React from 'react';
import { useEffect, useId, useMemo, useState } from 'react';
import { QA_CALLER_KINDS, QA_CALLER_LABELS, type QaCallerKind, type QaRunSummary } from '../../../shared/qa';
import { ErrorBanner } from '../components/ErrorBanner';
import { BaselineCompare } from '../components/qa/BaselineCompare';
import { ProblemList } from '../components/qa/ProblemList';
import { ResultsTable } from '../components/qa/ResultsTable';
import { RescorePanel } from '../components/qa/RescorePanel';
import { RunDiff } from '../components/qa/RunDiff';
import { RunProgress } from '../components/qa/RunProgress';
import { CopySuite } from '../components/qa/CopySuite';
import { ScenarioEditor } from '../components/qa/ScenarioEditor';
import { SideBySidePlayer } from '../components/qa/SideBySidePlayer';
import { Verdict } from '../components/qa/Verdict';
import { startQaFeed, useQaStore } from '../state/qa-store';
import '../components/qa/qa.css';
import { ExportControl } from '../components/reports/ExportControl';
import { formatDateTime } from '../format';

function RunCounts({ run }: { run: QaRunSummary }): React.JSX.Element {
  return (
    <span className="qa-counts">
      {(['passed', 'failed', 'no_verdict', 'pending'] as const).map((v) =>
        run.counts[v] > 0 ? (
          <span key={v}>
            {run.counts[v]} <Verdict result={v} />{' '}
          </span>
        ) : null,
      )}
      {run.skipped.length > 0 && <span className="badge badge--muted">{run.skipped.length} skipped</span>}
    </span>
  );
}

/** Starts a run of the open suite: which callers, how many repeats, how many at once. */
function RunForm({ dir }: { dir: string }): React.JSX.Element {
  const id = useId();
  const startRun = useQaStore((s) => s.startRun);
  const openRun = useQaStore((s) => s.openRun);
  const [callers, setCallers] = useState<QaCallerKind[]>(['synthetic', 'human']);
  const [repeat, setRepeat] = useState(1);
  const [parallel, setParallel] = useState(4);
  const [busy, setBusy] = useState(false);
  const toggle = (c: QaCallerKind) =>
    setCallers((list) => (list.includes(c) ? list.filter((x) => x !== c) : [...list, c]));
  const start = async () => {
    setBusy(true);
    const runId = await startRun({ dir, callers, repeat, parallel });
    setBusy(false);
    if (runId) await openRun(runId);
  };
  return (
    <div className="toolbar toolbar--wrap qa-run-form">
      <fieldset className="days">
        <legend>Callers</legend>
        {QA_CALLER_KINDS.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={callers.includes(c)} onChange={() => toggle(c)} />{' '}
            {QA_CALLER_LABELS[c]}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-repeat`}>Repeats</label>
      <input
        id={`${id}-repeat`}
        type="number"
        min={1}
        max={100}
        value={repeat}
        onChange={(e) => setRepeat(Math.max(1, Math.min(100, Number(e.target.value) || 1)))}
      />
      <label htmlFor={`${id}-parallel`}>At once</label>
      <input
        id={`${id}-parallel`}
        type="number"
        min={1}
        max={32}
        value={parallel}
        onChange={(e) => setParallel(Math.max(1, Math.min(32, Number(e.target.value) || 1)))}
      />
      <button type="button" disabled={busy || callers.length === 0} onClick={() => void start()}>
        Run suite
      </button>
    </div>
  );
}

/**
 * QA: suites and their scenarios (view, edit with validation), runs with progress, a run's results
 * with failure kinds, and two scenario runs side by side.
 */
export function QaPage(): React.JSX.Element {
  const s = useQaStore();
  const { loadSuites, loadRuns } = s;
  // A draft made elsewhere opens selected (the effect below opens its suite).
  const [selectedFile, setSelectedFile] = useState<string | null>(
    () => useQaStore.getState().draft?.file ?? null,
  );

  const { takeDraft, openSuite } = s;
  useEffect(() => {
    startQaFeed();
    void loadSuites();
    void loadRuns();
    // A scenario just made from a recorded call: its suite open, the scenario in the editor.
    const draft = takeDraft();
    if (draft) void openSuite(draft.dir);
  }, [loadSuites, loadRuns, takeDraft, openSuite]);

  const suite = s.suite;
  const selected = suite?.items.find((i) => i.file === selectedFile) ?? null;
  const [left, right] = s.compare;
  const comparison = s.baseline?.result.comparison;
  const baselineChanges = useMemo(() => {
    const out = new Map<string, 'regressed' | 'fixed'>();
    for (const c of comparison?.regressions ?? []) out.set(`${c.scenario}\u0000${c.caller}`, 'regressed');
    for (const c of comparison?.fixes ?? []) out.set(`${c.scenario}\u0000${c.caller}`, 'fixed');
    return out;
  }, [comparison]);

  return (
    <section className="page">
      <header className="page__header">
        <h1>QA</h1>
        <p>Run suites of scenarios against a bot, read each verdict, and play two runs side by side.</p>
      </header>
      {s.error && <ErrorBanner message={s.error} onDismiss={s.dismissError} />}

      <div className="card">
        <h2>Suites</h2>
        {s.suites.length === 0 && <p className="muted">No suites found.</p>}
        <div className="toolbar toolbar--wrap">
          {s.suites.map((x) => (
            <button
              key={x.dir}
              type="button"
              className={suite?.dir === x.dir ? undefined : 'button--quiet'}
              aria-pressed={suite?.dir === x.dir}
              title={x.dir}
              onClick={() => {
                setSelectedFile(null);
                void s.openSuite(x.dir);
              }}
            >
              {x.name} · {x.scenarios} scenarios{x.invalid ? ` (${x.invalid} invalid)` : ''} · {x.source}
            </button>
          ))}
        </div>
        {suite && (
          <>
            <p className="muted">{suite.dir}</p>
            {suite.source === 'bundled' && (
              <CopySuite
                key={suite.dir}
                suite={suite}
                onCopied={(copy) => {
                  setSelectedFile(null);
                  void s.loadSuites();
                  void s.openSuite(copy.dir);
                }}
              />
            )}
            <RunForm dir={suite.dir} />
            <table className="table" aria-label="Scenarios">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Name</th>
                  <th scope="col">Callers</th>
                  <th scope="col">Steps</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {suite.items.map((i) => (
                  <tr
                    key={i.file}
                    className={i.file === selectedFile ? 'row--selected' : undefined}
                    data-testid={`scenario-${i.file}`}
                  >
                    <td>
                      <button type="button" className="link" onClick={() => setSelectedFile(i.file)}>
                        {i.file}
                      </button>
                    </td>
                    <td>{i.name ?? <span className="muted">(invalid)</span>}</td>
                    <td>{i.callers.join(', ')}</td>
                    <td>{i.hasGoal ? 'goal' : i.steps}</td>
                    <td>{i.tags.join(', ')}</td>
                    <td>
                      {i.problems.length > 0 ? (
                        <span className="badge badge--invalid">{i.problems.length}</span>
                      ) : (
                        <span className="badge badge--ok">valid</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {suite.items.some((i) => i.problems.length > 0) && !selected && (
              <ProblemList problems={suite.items.flatMap((i) => i.problems)} />
            )}
            {selected && (
              <ScenarioEditor
                key={`${suite.dir}\u0000${selected.file}`}
                dir={suite.dir}
                item={selected}
                readOnly={suite.source === 'bundled'}
                onSaved={s.replaceScenario}
              />
            )}
          </>
        )}
      </div>

      <div className="card">
        <h2>Runs</h2>
        {s.runs.length === 0 && <p className="muted">No runs yet.</p>}
        {s.runs.length > 0 && (
          <table className="table" aria-label="Runs">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Suite</th>
                <th scope="col">Bot</th>
                <th scope="col">Callers × repeats</th>
                <th scope="col">State</th>
                <th scope="col">Verdicts</th>
                <th scope="col">Speed</th>
              </tr>
            </thead>
            <tbody>
              {s.runs.map((r) => (
                <tr
                  key={r.id}
                  className={s.run?.id === r.id ? 'row--selected' : undefined}
                  data-testid={`run-${r.id}`}
                >
                  <td>
                    <button type="button" className="link" onClick={() => void s.openRun(r.id)}>
                      {formatDateTime(r.startedAt)}
                    </button>
                  </td>
                  <td>{r.suiteName}</td>
                  <td>{r.bot}</td>
                  <td>
                    {r.callers.join(', ')} × {r.repeat}
                  </td>
                  <td>
                    {r.state}
                    {r.state === 'running' && <RunProgress run={r} update={s.progress[r.id]} />}
                  </td>
                  <td>
                    <RunCounts run={r} />
                  </td>
                  <td>{r.speedRatio !== null ? `${r.speedRatio.toFixed(1)}× real time` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      {s.run && (
        <div className="card">
          <h2>
            Results: {s.run.suiteName} · {formatDateTime(s.run.startedAt)}
          </h2>
          <ExportControl
            key={`export-${s.run.id}`}
            scope={{ kind: 'qa_run', runId: s.run.id }}
            label={`Export QA run ${s.run.id}`}
          />
          <ResultsTable
            run={s.run}
            stats={s.stats}
            compare={s.compare}
            onToggle={s.toggleCompare}
            onPair={s.setCompare}
            changes={baselineChanges}
          />
          {s.run.skipped.length > 0 && (
            <div>
              <h3>Skipped ({s.run.skipped.length})</h3>
              <ul aria-label="Skipped scenario runs">
                {s.run.skipped.map((k) => (
                  <li key={`${k.scenarioFile}\u0000${k.caller}\u0000${k.repeat}`}>
                    {k.scenarioName} <span className="muted">{k.scenarioFile}</span> [{k.caller} #{k.repeat}]:{' '}
                    <span className="badge badge--muted">skipped</span> {k.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <BaselineCompare
            run={s.run}
            runs={s.runs}
            baseline={s.baseline}
            onCompare={(id) => void s.compareWithBaseline(id)}
            onClear={s.clearBaseline}
            onPair={s.setCompare}
          />
          <RescorePanel rescores={s.rescores} running={s.run.state === 'running'} onRescore={s.rescoreRun} />
        </div>
      )}

      {left && right ? (
        <div className="card">
          <h2>Side by side</h2>
          {s.runDiff && s.runDiff.a.id === left.id && s.runDiff.b.id === right.id && (
            <RunDiff diff={s.runDiff} />
          )}
          <SideBySidePlayer key={`${left.id}|${right.id}`} left={left} right={right} />
        </div>
      ) : (
        s.run && <p className="muted">Pick two runs in the results (or “Side by side”) to compare them.</p>
      )}
    </section>
  );
}
