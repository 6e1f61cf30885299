import type React from 'react';
import { useEffect, useState } from 'react';
import type { ListSummary } from '../../../shared/contacts';
import { ContactsTable } from '../components/ContactsTable';
import { DropZone } from '../components/DropZone';
import { ErrorBanner } from '../components/ErrorBanner';
import { MappingStep } from '../components/import/MappingStep';
import { ProgressStep } from '../components/import/ProgressStep';
import { SummaryStep } from '../components/import/SummaryStep';
import { useListsStore, type ImportFlow } from '../state/lists-store';
import { formatCount, formatDateTime } from '../format';

const ACCEPT = '.csv,.tsv,.txt,.xlsx,.xls,.ods,text/csv';

function ImportPanel({ flow }: { flow: ImportFlow }): React.JSX.Element {
  const stage = useListsStore((s) => s.stage);
  const dismissError = useListsStore((s) => s.dismissImportError);
  switch (flow.step) {
    case 'idle':
    case 'staging':
      return (
        <>
          <DropZone
            label={
              flow.step === 'staging'
                ? `Reading ${flow.fileName}…`
                : 'Drop a customer list here, or click to choose a file'
            }
            hint="CSV (any delimiter or encoding) or Excel (XLSX, XLS). Every row is checked; nothing is lost."
            accept={ACCEPT}
            disabled={flow.step === 'staging'}
            onFile={(f) => void stage(f)}
          />
          {flow.step === 'idle' && flow.error && (
            <ErrorBanner message={flow.error} onDismiss={dismissError} />
          )}
        </>
      );
    case 'mapping':
      // Keyed by sheet: each sheet's column choices start from its own columns.
      return (
        <MappingStep
          key={`${flow.file.id}/${flow.sheet ?? ''}`}
          file={flow.file}
          preview={flow.preview}
          sheet={flow.sheet}
          listName={flow.listName}
          columns={flow.columns}
          busy={flow.busy}
          error={flow.error}
        />
      );
    case 'importing':
      return <ProgressStep listName={flow.listName} progress={flow.progress} />;
    case 'done':
      return <SummaryStep listName={flow.listName} outcome={flow.outcome} />;
    default: {
      const never: never = flow;
      return never;
    }
  }
}

/** Deleting a list asks first, in place: what goes (the list and its contacts) and that it is final. */
function DeleteList({ list }: { list: ListSummary }): React.JSX.Element {
  const deleteList = useListsStore((s) => s.deleteList);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!confirming)
    return (
      <button
        type="button"
        className="button--quiet"
        aria-label={`Delete list ${list.name}`}
        onClick={() => setConfirming(true)}
      >
        Delete…
      </button>
    );
  const confirm = async () => {
    setBusy(true);
    if (!(await deleteList(list.id))) {
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <span className="confirm" role="group" aria-label={`Confirm deleting ${list.name}`}>
      Delete “{list.name}” and its {formatCount(list.rows)} contacts? This cannot be undone.
      <button type="button" className="button--danger" disabled={busy} onClick={() => void confirm()}>
        Delete list
      </button>
      <button type="button" className="button--quiet" disabled={busy} onClick={() => setConfirming(false)}>
        Keep
      </button>
    </span>
  );
}

export function ListsPage(): React.JSX.Element {
  const { lists, loadError, actionError, flow, selectedListId, loadLists, select } = useListsStore();
  const dismissLoadError = useListsStore((s) => s.dismissLoadError);
  const dismissActionError = useListsStore((s) => s.dismissActionError);
  useEffect(() => {
    void loadLists();
  }, [loadLists]);
  const selected = lists.find((l) => l.id === selectedListId);

  return (
    <div className="page">
      <header className="page__header">
        <h1>Contact lists</h1>
        <p className="muted">
          Numbers are checked India-aware and stored in E.164. Rows that cannot be called say why.
        </p>
      </header>
      <section className="card" aria-label="Import a list">
        <h2>Import a list</h2>
        <ImportPanel flow={flow} />
      </section>
      {loadError && <ErrorBanner message={loadError} onDismiss={dismissLoadError} />}
      {actionError && <ErrorBanner message={actionError} onDismiss={dismissActionError} />}
      <section className="card" aria-label="Lists">
        <h2>Lists</h2>
        {lists.length === 0 ? (
          <p className="muted">No lists yet.</p>
        ) : (
          <table className="table table--compact" data-testid="lists-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>File</th>
                <th>Rows</th>
                <th>Valid</th>
                <th>Invalid</th>
                <th>Duplicate</th>
                <th>DNC</th>
                <th>Imported</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {lists.map((l) => (
                <tr key={l.id} className={l.id === selectedListId ? 'row--selected' : undefined}>
                  <td>
                    <button type="button" className="link clip" title={l.name} onClick={() => select(l.id)}>
                      {l.name}
                    </button>
                  </td>
                  <td title={`${l.file.name}\nSHA-256 ${l.file.sha256}`}>
                    <span className="clip">{l.file.name}</span>
                  </td>
                  <td>{formatCount(l.rows)}</td>
                  <td>{formatCount(l.valid)}</td>
                  <td>{formatCount(l.invalid)}</td>
                  <td>{formatCount(l.duplicates)}</td>
                  <td>{formatCount(l.dnc)}</td>
                  <td>
                    {formatDateTime(l.createdAt)} by {l.createdBy}
                  </td>
                  <td>
                    <DeleteList list={l} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {selected && (
        <section className="card" aria-label={`Contacts of ${selected.name}`}>
          <h2 className="wrap-anywhere">{selected.name}</h2>
          <ContactsTable list={selected} />
        </section>
      )}
    </div>
  );
}
