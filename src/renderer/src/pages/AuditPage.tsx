import type React from 'react';
import { useEffect } from 'react';
import { useAuditStore } from '../state/audit-store';

const short = (hash: string) => `${hash.slice(0, 10)}…`;

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
          Every change made in CallDeck, newest first. Each row carries a keyed hash (HMAC-SHA256) of itself
          and the row before it, so any edit, deletion or reordering breaks the chain from that row on, and
          the chain&apos;s length and last hash are anchored outside the database, so deleting the newest rows
          is caught too.
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
            <th>Payload</th>
            <th>Hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.subject}</td>
              <td className="table__payload">
                <code>{e.payload}</code>
              </td>
              <td title={e.hash}>
                <code>{short(e.hash)}</code>
              </td>
            </tr>
          ))}
          {entries.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
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
