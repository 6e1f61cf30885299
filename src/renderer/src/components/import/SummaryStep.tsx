import type React from 'react';
import { useState } from 'react';
import type { ImportOutcome } from '../../../../shared/contacts';
import { api, errorMessage } from '../../api';
import { downloadArtifact } from '../../artifacts';
import { useListsStore } from '../../state/lists-store';
import { ErrorBanner } from '../ErrorBanner';
import { formatCount } from '../../format';

/** Step 4: what came in, what did not and why, and the reject file to fix and re-import. */
export function SummaryStep({
  listName,
  outcome,
}: {
  listName: string;
  outcome: ImportOutcome;
}): React.JSX.Element {
  const reset = useListsStore((s) => s.reset);
  const [error, setError] = useState<string>();
  if (!outcome.ok) {
    return (
      <div className="import-step">
        <p className="banner banner--error" role="alert">
          Could not import “{listName}”: {outcome.message}
        </p>
        <button type="button" onClick={reset}>
          Try another file
        </button>
      </div>
    );
  }
  const s = outcome.summary;
  const rejected = s.invalid + s.duplicates;
  const download = async () => {
    setError(undefined);
    try {
      const csv = await api().contacts.rejectCsv({ listId: s.listId });
      downloadArtifact(csv.artifact);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div className="import-step" data-testid="import-summary">
      <p>
        Imported <strong>{s.listName}</strong>: {formatCount(s.rows)} data rows in{' '}
        {(s.durationMs / 1000).toFixed(1)} s.
      </p>
      <dl className="stats">
        <div className="stat stat--ok">
          <dt>Valid</dt>
          <dd data-testid="count-valid">{formatCount(s.valid)}</dd>
        </div>
        <div className="stat stat--bad">
          <dt>Invalid</dt>
          <dd data-testid="count-invalid">{formatCount(s.invalid)}</dd>
        </div>
        <div className="stat stat--warn">
          <dt>Duplicate</dt>
          <dd data-testid="count-duplicates">{formatCount(s.duplicates)}</dd>
        </div>
        <div className="stat">
          <dt>Do not call</dt>
          <dd data-testid="count-dnc">{formatCount(s.dnc)}</dd>
        </div>
        <div className="stat">
          <dt>Also in other lists</dt>
          <dd>{formatCount(s.inOtherLists)}</dd>
        </div>
      </dl>
      {s.warnings.map((w) => (
        <p key={w} className="banner banner--warn">
          {w}
        </p>
      ))}
      {rejected > 0 && (
        <>
          <table className="table table--compact">
            <thead>
              <tr>
                <th>Row</th>
                <th>Why it was not imported as valid</th>
              </tr>
            </thead>
            <tbody>
              {s.rejects.slice(0, 10).map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rejected > 10 && (
            <p className="muted">…and {formatCount(rejected - 10)} more in the reject file.</p>
          )}
        </>
      )}
      {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
      <div className="form__actions">
        {rejected > 0 && (
          <button type="button" onClick={() => void download()}>
            Download reject file
          </button>
        )}
        <button type="button" className="button--quiet" onClick={reset}>
          Import another file
        </button>
      </div>
    </div>
  );
}
