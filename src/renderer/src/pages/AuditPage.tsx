import type React from 'react';
import { useEffect, useState } from 'react';
import { auditRowView, type AuditEntry, type AuditOutcome } from '../../../shared/audit';
import { auditSummary, type SummaryContext } from '../../../shared/audit-summary';
import { downloadArtifact } from '../artifacts';
import { AuditFilters } from '../components/audit/AuditFilters';
import { ErrorBanner } from '../components/ErrorBanner';
import { useAuditStore } from '../state/audit-store';
import '../components/audit/audit.css';
import { formatDateTime } from '../format';

const rowsText = (n: number) => `${n.toLocaleString('en-IN')} ${n === 1 ? 'row' : 'rows'}`;

const short = (hash: string) => `${hash.slice(0, 10)}…`;

const OUTCOME_TEXT: Record<AuditOutcome, string> = {
  ok: 'ok',
  failed: 'failed',
  cancelled: 'cancelled',
  started: 'started',
};

/** The payload as indented JSON (it is JSON text; a row from outside may not be). */
function rawJson(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/** One row: a readable sentence, how it ended, its fields; the raw payload on demand. */
function AuditRow({ entry, ctx }: { entry: AuditEntry; ctx: SummaryContext }): React.JSX.Element {
  const [raw, setRaw] = useState(false);
  const view = auditRowView(entry.payload);
  return (
    <tr data-seq={entry.seq}>
      <td>{entry.seq}</td>
      <td>{formatDateTime(entry.at)}</td>
      <td>{entry.actor}</td>
      <td>
        <code>{entry.action}</code>
        <div className="muted clip" title={entry.subject}>
          {entry.subject}
        </div>
      </td>
      <td>
        <span className={`outcome outcome--${view.outcome}`}>{OUTCOME_TEXT[view.outcome]}</span>
        {view.startSeq !== undefined && <div className="muted">ends #{view.startSeq}</div>}
      </td>
      <td className="table__payload">
        <p className="audit__summary">{auditSummary(entry, ctx)}</p>
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
        <button type="button" className="button--quiet" aria-expanded={raw} onClick={() => setRaw((r) => !r)}>
          {raw ? 'Hide raw JSON' : 'Raw JSON'}
        </button>
        {raw && <pre className="audit__raw">{rawJson(entry.payload)}</pre>}
      </td>
      <td title={entry.hash}>
        <code>{short(entry.hash)}</code>
      </td>
    </tr>
  );
}

export function AuditPage(): React.JSX.Element {
  const {
    entries,
    total,
    labels,
    starts,
    filter,
    error,
    verifying,
    verification,
    exporting,
    exported,
    loadLatest,
    loadOlder,
    verify,
    exportCsv,
  } = useAuditStore();

  useEffect(() => {
    void loadLatest();
  }, [loadLatest]);
  // The chain's state is the first thing an auditor needs: checked when the page first opens
  // (a broken row or a head file anchored again shows without pressing Verify).
  useEffect(() => {
    const s = useAuditStore.getState();
    if (!s.verification && !s.verifying) void s.verify();
  }, []);

  const ctx: SummaryContext = { labels, starts };
  const download = async () => {
    const done = await exportCsv();
    if (done) downloadArtifact(done.artifact);
  };

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
      <AuditFilters />
      <div className="toolbar">
        <button type="button" onClick={() => void verify()} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify chain'}
        </button>
        {verification &&
          (verification.ok ? (
            <span className="status status--saved" role="status">
              Chain intact: {rowsText(verification.rows)}, head {short(verification.headHash)}
            </span>
          ) : (
            <span className="status status--error" role="status">
              Broken at row {verification.brokenAt}: {verification.reason}
            </span>
          ))}
        <button type="button" onClick={() => void download()} disabled={exporting || total === 0}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
        {exported && (
          <span className="muted" data-testid="audit-exported">
            {rowsText(exported.rows)} exported to {exported.artifact.name}
          </span>
        )}
        <span className="muted toolbar__end" data-testid="audit-total">
          {rowsText(total)}
        </span>
      </div>
      {verification && verification.warnings.length > 0 && (
        <ul className="banner" aria-label="Verification notes">
          {verification.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {error && (
        <ErrorBanner message={error} onDismiss={() => useAuditStore.setState({ error: undefined })} />
      )}
      <table className="table">
        <thead>
          <tr>
            <th>#</th>
            <th>Time</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Outcome</th>
            <th>What happened</th>
            <th>Hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <AuditRow key={e.seq} entry={e} ctx={ctx} />
          ))}
          {entries.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                {Object.keys(filter).length === 0 ? 'Nothing recorded yet.' : 'No rows match these filters.'}
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
