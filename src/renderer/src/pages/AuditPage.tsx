import type React from 'react';
import { useEffect } from 'react';
import { auditRowView, type AuditEntry, type AuditOutcome } from '../../../shared/audit';
import { useAuditStore } from '../state/audit-store';

const short = (hash: string) => `${hash.slice(0, 10)}…`;

const OUTCOME_TEXT: Record<AuditOutcome, string> = {
  ok: 'ok',
  failed: 'failed',
  cancelled: 'cancelled',
  started: 'started',
};

/** One row: who did what to what and how it ended, with its payload as a short key/value list. */
function AuditRow({ entry }: { entry: AuditEntry }): React.JSX.Element {
  const view = auditRowView(entry.payload);
  return (
    <tr data-seq={entry.seq}>
      <td>{entry.seq}</td>
      <td>{new Date(entry.at).toLocaleString()}</td>
      <td>{entry.actor}</td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>{entry.subject}</td>
      <td>
        <span className={`outcome outcome--${view.outcome}`}>{OUTCOME_TEXT[view.outcome]}</span>
        {view.startSeq !== undefined && <div className="muted">ends #{view.startSeq}</div>}
      </td>
      <td className="table__payload">
        {view.error && <p className="outcome__error">{view.error}</p>}
        {view.fields.length > 0 && (
          <dl className="kv">
            {view.fields.map((f, i) => (
              <div key={`${f.label}-${i}`} className="kv__row">
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
      <td title={entry.hash}>
        <code>{short(entry.hash)}</code>
      </td>
    </tr>
  );
}

export function AuditPage(): React.JSX.Element {
  const { entries, total, error, verifying, verification, loadLatest, loadOlder, verify } = useAuditStore();

  useEffect(() => {
    void loadLatest();
  }, [loadLatest]);

  return (
    <div className="page">
      <header className="page__header">
        <h1>Audit log</h1>
        <p className="muted">
          Every change made in CallDeck, newest first, and every attempt that failed or was refused, with its
          error. Long work (an import) has two rows: when it started, and how it ended. Each row carries a
          keyed hash (HMAC-SHA256) of itself and the row before it, so any edit, deletion or reordering breaks
          the chain from that row on, and the chain&apos;s length and last hash are anchored outside the
          database, so deleting the newest rows is caught too.
        </p>
      </header>
      <div className="toolbar">
        <button type="button" onClick={() => void verify()} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify chain'}
        </button>
        {verification &&
          (verification.ok ? (
            <span className="status status--saved" role="status">
              Chain intact: {verification.rows} rows, head {short(verification.headHash)}
            </span>
          ) : (
            <span className="status status--error" role="status">
              Broken at row {verification.brokenAt}: {verification.reason}
            </span>
          ))}
        <span className="muted toolbar__end">{total} rows</span>
      </div>
      {verification && verification.warnings.length > 0 && (
        <ul className="banner" aria-label="Verification notes">
          {verification.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {error && <p className="banner banner--error">{error}</p>}
      <table className="table">
        <thead>
          <tr>
            <th>#</th>
            <th>Time</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Subject</th>
            <th>Outcome</th>
            <th>Details</th>
            <th>Hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <AuditRow key={e.seq} entry={e} />
          ))}
          {entries.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                Nothing recorded yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {entries.length < total && (
        <button type="button" className="button--quiet" onClick={() => void loadOlder()}>
          Show older rows
        </button>
      )}
    </div>
  );
}
