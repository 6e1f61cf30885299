import type React from 'react';
import { useEffect, useId, useState } from 'react';
import { api, errorMessage } from '../api';
import { DropZone } from '../components/DropZone';
import { ErrorBanner } from '../components/ErrorBanner';
import { useDncStore } from '../state/dnc-store';
import { formatCount, formatDateTime } from '../format';

/** The Do-Not-Call register: numbers here stay in their lists, marked, and are never dialled. */
export function DncPage(): React.JSX.Element {
  const id = useId();
  const { entries, total, loadError, load } = useDncStore();
  const [numbers, setNumbers] = useState('');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    try {
      setMessage({ kind: 'ok', text: await fn() });
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const add = () =>
    run(async () => {
      const phones = numbers
        .split(/[\n,;]+/)
        .map((p) => p.trim())
        .filter(Boolean);
      const r = await api().dnc.add({ phones, note });
      setNumbers('');
      const bad = r.invalid.map((i) => `${i.input} (${i.reason})`).join(', ');
      return `Added ${r.added.length}; ${r.already.length} already listed${bad ? `; not numbers: ${bad}` : ''}.`;
    });

  return (
    <div className="page">
      <header className="page__header">
        <h1>Do not call</h1>
        <p className="muted">
          {total === 1 ? '1 number' : `${formatCount(total)} numbers`}. They are imported with lists but never
          dialled.
        </p>
      </header>
      <section className="card" aria-label="Add numbers">
        <h2>Add numbers</h2>
        <div className="grid">
          <div className="field">
            <label htmlFor={`${id}-numbers`}>Numbers (one per line)</label>
            <textarea
              id={`${id}-numbers`}
              rows={4}
              value={numbers}
              onChange={(e) => {
                setNumbers(e.target.value);
                // What failed was the numbers as they were: editing them moves on from that error.
                if (message?.kind === 'error') setMessage(undefined);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-note`}>Note</label>
            <input
              id={`${id}-note`}
              value={note}
              placeholder="e.g. asked not to be called"
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
        </div>
        <div className="form__actions">
          <button type="button" disabled={busy || numbers.trim() === ''} onClick={() => void add()}>
            Add to Do-Not-Call
          </button>
        </div>
        <DropZone
          label="Or drop a file of numbers"
          hint="Its phone column is found the same way as for contact lists."
          disabled={busy}
          onFile={(f) =>
            void run(async () => {
              const file = await api().files.stage(f);
              const r = await api().dnc.importFile({ fileId: file.id, note: note || `from ${f.name}` });
              return `${f.name}: ${r.rows} rows, added ${r.added.length}, ${r.already.length} already listed, ${r.invalid.length} not numbers.`;
            })
          }
        />
        {loadError && (
          <ErrorBanner message={loadError} onDismiss={() => useDncStore.setState({ loadError: undefined })} />
        )}
        {message?.kind === 'error' && (
          <ErrorBanner message={message.text} onDismiss={() => setMessage(undefined)} />
        )}
        {message?.kind === 'ok' && (
          <p className="status status--saved" role="status">
            {message.text}
          </p>
        )}
      </section>
      <table className="table table--compact" data-testid="dnc-table">
        <thead>
          <tr>
            <th>Number</th>
            <th>Note</th>
            <th>Source</th>
            <th>Added</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.phone}>
              <td>{e.phone}</td>
              <td title={e.note}>
                <span className="clip">{e.note}</span>
              </td>
              {/* A file's SHA-256 is for audits: kept in the tooltip, not in the column. */}
              <td title={e.source}>
                <span className="clip">{e.source.replace(/ sha256:[0-9a-f]{64}$/, '')}</span>
              </td>
              <td>
                {formatDateTime(e.addedAt)} by {e.addedBy}
              </td>
              <td>
                <button
                  type="button"
                  className="button--quiet"
                  disabled={busy}
                  onClick={() =>
                    void run(
                      async () =>
                        `Removed ${(await api().dnc.remove({ phones: [e.phone] })).removed.length}.`,
                    )
                  }
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
          {entries.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                The register is empty.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
