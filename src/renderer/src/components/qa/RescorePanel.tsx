import type React from 'react';
import { useState } from 'react';
import type { QaRescoreInfo, QaRescoredRun } from '../../../../shared/qa-rescore';
import { Verdict } from './Verdict';
import { formatDateTime } from '../../format';

type Judge = QaRescoredRun['judgeAfter'];
const judgeText = (j: Judge) =>
  j ? `${j.model} (${j.promptVersion}, temperature ${j.temperature})` : 'none';

function Row({ r }: { r: QaRescoredRun }): React.JSX.Element {
  const judgeChanged = JSON.stringify(r.judgeBefore) !== JSON.stringify(r.judgeAfter);
  return (
    <tr data-testid={`rescored-${r.scenarioFile}-${r.caller}-${r.repeat}`}>
      <td>
        {r.scenarioName} <span className="muted">{r.scenarioFile}</span> [{r.caller} #{r.repeat}]
      </td>
      <td className={r.changed ? 'sbs__diff' : undefined}>
        <Verdict result={r.before} /> → <Verdict result={r.after} />
        {r.changed && ' changed'}
      </td>
      <td>
        <ul className="sbs__verdicts">
          {r.newFailures.map((f, i) => (
            <li key={`n${i}`} className="outcome outcome--failed">
              new: <span className="badge">{f.kind}</span> {f.expectation}: {f.actual}
            </li>
          ))}
          {r.goneFailures.map((f, i) => (
            <li key={`g${i}`}>
              gone: <span className="badge">{f.kind}</span> {f.expectation}
            </li>
          ))}
          {judgeChanged && (
            <li>
              judge: {judgeText(r.judgeBefore)} → {judgeText(r.judgeAfter)}
            </li>
          )}
          {r.error && <li className="muted">{r.error}</li>}
        </ul>
      </td>
    </tr>
  );
}

/**
 * Scores the open run again with the current evaluator, judge and scenario files, and shows what
 * changed against the run's own verdicts (which stay as they were). Earlier re-scores are listed.
 */
export function RescorePanel({
  rescores,
  running,
  onRescore,
}: {
  rescores: QaRescoreInfo[];
  running: boolean;
  onRescore: () => Promise<void>;
}): React.JSX.Element {
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const latest = rescores.find((r) => r.id === shown) ?? rescores[0];
  return (
    <section aria-label="Re-scores" className="qa-baseline">
      <div className="toolbar toolbar--wrap">
        <button
          type="button"
          disabled={busy || running}
          title="Evaluate the recorded audio again with the current evaluator, judge and scenario files"
          onClick={() => {
            setBusy(true);
            void onRescore().finally(() => {
              setBusy(false);
              setShown(null);
            });
          }}
        >
          {busy ? 'Scoring again…' : 'Score again'}
        </button>
        {rescores.length > 1 && (
          <select aria-label="Re-score" value={latest?.id ?? ''} onChange={(e) => setShown(e.target.value)}>
            {rescores.map((r) => (
              <option key={r.id} value={r.id}>
                {formatDateTime(r.createdAt)} · {r.changed} changed
              </option>
            ))}
          </select>
        )}
      </div>
      {latest && (
        <>
          <p data-testid="rescore-summary">
            Scored again {formatDateTime(latest.createdAt)} by {latest.actor}: {latest.changed} of{' '}
            {latest.results.length} verdicts changed (the run&apos;s own verdicts are kept).
          </p>
          <table className="table" aria-label="Re-scored runs">
            <thead>
              <tr>
                <th scope="col">Scenario run</th>
                <th scope="col">Verdict then → now</th>
                <th scope="col">What changed</th>
              </tr>
            </thead>
            <tbody>
              {latest.results.map((r) => (
                <Row key={r.scenarioRunId} r={r} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
