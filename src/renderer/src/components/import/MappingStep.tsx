import type React from 'react';
import { useId, useState } from 'react';
import type { ImportPreview } from '../../../../shared/contacts';
import type { StagedFile } from '../../../../shared/files';
import { useListsStore, type ColumnChoices } from '../../state/lists-store';
import { ErrorBanner } from '../ErrorBanner';
import { BotNeeds, useBots } from './BotNeeds';

const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`;

interface Props {
  file: StagedFile;
  preview: ImportPreview;
  sheet?: string;
  /** The list name so far (kept across sheets and failed attempts). */
  listName: string;
  /** Columns chosen in an earlier attempt on this sheet; default: the preview's guesses. */
  columns?: ColumnChoices;
  busy?: boolean;
  error?: string;
}

/** What the core accepts as a variable name (VariableName in src/shared/contacts.ts). */
const VARIABLE_NAME = /^[a-z_][a-z0-9_]{0,63}$/;

/** A header as the core names its variable when none is typed (variableKey), for the hint. */
const ownKey = (preview: ImportPreview, header: string, column: number) =>
  preview.mapping?.variables.find((v) => v.column === column)?.key ??
  (header
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '') ||
    `column_${column + 1}`);

const guessed = (preview: ImportPreview): ColumnChoices => ({
  phone: preview.mapping?.phone.column ?? -1,
  name: preview.mapping?.name?.column ?? -1,
  ignored: preview.mapping?.ignored.map((c) => c.column) ?? [],
});

/**
 * Step 2: check what the file is, choose which column is what, see the first rows. The column
 * choices belong to one sheet's columns: the page mounts a new step for each sheet (key).
 */
export function MappingStep({
  file,
  preview,
  sheet,
  listName: initialName,
  columns: initialColumns,
  busy,
  error,
}: Props): React.JSX.Element {
  const startImport = useListsStore((s) => s.startImport);
  const changeSheet = useListsStore((s) => s.changeSheet);
  const dismissError = useListsStore((s) => s.dismissImportError);
  const reset = useListsStore((s) => s.reset);
  const id = useId();
  const [initial] = useState(() => initialColumns ?? guessed(preview));
  const [listName, setListName] = useState(initialName);
  const [phone, setPhone] = useState<number>(initial.phone);
  const [name, setName] = useState<number>(initial.name);
  const [ignored, setIgnored] = useState<Set<number>>(new Set(initial.ignored));
  const [names, setNames] = useState<Record<number, string>>(initial.variables ?? {});
  const bots = useBots();
  const headers = preview.headers.map((h, i) => h || `Column ${i + 1}`);
  const role = (i: number) =>
    i === phone ? 'phone' : i === name ? 'name' : ignored.has(i) ? 'ignored' : 'variable';
  const variableColumns = headers.flatMap((h, i) => (role(i) === 'variable' ? [i] : []));
  const keyOf = (i: number) => names[i]?.trim() || ownKey(preview, headers[i] ?? '', i);
  const badName = (i: number) => {
    const typed = names[i]?.trim() ?? '';
    if (typed === '') return undefined;
    if (!VARIABLE_NAME.test(typed) || typed === 'phone' || typed === 'name')
      return 'lower-case letters, digits and _';
    return variableColumns.some((j) => j !== i && keyOf(j) === typed) ? 'used twice' : undefined;
  };
  const namesOk = variableColumns.every((i) => badName(i) === undefined);
  const canImport = phone >= 0 && listName.trim() !== '' && !busy && namesOk;
  // An error is about the attempt that failed: once the user changes what they asked for, it goes.
  const changed =
    <T,>(apply: (v: T) => void) =>
    (v: T) => {
      apply(v);
      if (error) dismissError();
    };

  const submit = () =>
    void startImport({
      listName: listName.trim(),
      sheet,
      columns: { phone, name, ignored: [...ignored], variables: names },
    });

  return (
    <div className="import-step">
      <p className="muted" data-testid="file-facts">
        {file.name} · {formatBytes(file.size)} · {preview.source.format.toUpperCase()}
        {preview.source.encoding && ` · ${preview.source.encoding}`}
        {preview.source.delimiter &&
          ` · delimiter “${preview.source.delimiter === '\t' ? 'tab' : preview.source.delimiter}”`}
        {preview.headerRow > 0 ? ` · headers on row ${preview.headerRow}` : ' · no header row'}
      </p>
      {preview.warnings.map((w) => (
        <p key={w} className="banner banner--warn">
          {w}
        </p>
      ))}
      <div className="grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>List name</label>
          <input
            id={`${id}-name`}
            value={listName}
            maxLength={200}
            onChange={(e) => changed(setListName)(e.target.value)}
          />
        </div>
        {preview.source.sheets && preview.source.sheets.length > 1 && (
          <div className="field">
            <label htmlFor={`${id}-sheet`}>Sheet</label>
            <select
              id={`${id}-sheet`}
              value={sheet}
              disabled={busy}
              onChange={(e) => void changeSheet(e.target.value, listName)}
            >
              {preview.source.sheets.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-phone`}>Phone column</label>
          <select
            id={`${id}-phone`}
            value={phone}
            onChange={(e) => changed(setPhone)(Number(e.target.value))}
          >
            <option value={-1}>Choose…</option>
            {headers.map((h, i) => (
              <option key={i} value={i}>
                {h}
              </option>
            ))}
          </select>
          {phone < 0 && (
            <small className="field__error">No column looks like phone numbers: choose one.</small>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-cust`}>Name column</label>
          <select id={`${id}-cust`} value={name} onChange={(e) => changed(setName)(Number(e.target.value))}>
            <option value={-1}>(none)</option>
            {headers.map((h, i) => (
              <option key={i} value={i}>
                {h}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted">
        Other columns are kept as variables the voicebot can use, e.g. <code>{'{{loan_id}}'}</code>: type the
        name the bot uses under a header to rename it. Untick a column to leave it out.
      </p>
      <BotNeeds
        bots={bots}
        keys={new Set([...variableColumns.map(keyOf), 'phone', ...(name >= 0 ? ['name'] : [])])}
      />
      <datalist id={`${id}-vars`}>
        {[...new Set(bots.flatMap((b) => b.variables.map((v) => v.name)))].map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
      <div className="table-scroll">
        <table className="table table--compact" data-testid="preview-table">
          <thead>
            <tr>
              <th>Row</th>
              {headers.map((h, i) => (
                <th key={i} className={`col--${role(i)}`}>
                  <label className="check">
                    <input
                      type="checkbox"
                      aria-label={`Keep column ${h}`}
                      checked={!ignored.has(i) || i === phone || i === name}
                      disabled={i === phone || i === name}
                      onChange={(e) => {
                        const keep = e.target.checked;
                        changed(setIgnored)((prev: Set<number>) => {
                          const next = new Set(prev);
                          if (keep) next.delete(i);
                          else next.add(i);
                          return next;
                        });
                      }}
                    />
                    {h}
                  </label>
                  <span className={`role role--${role(i)}`}>{role(i)}</span>
                  {role(i) === 'variable' && (
                    <>
                      <input
                        className="variable-name"
                        aria-label={`Variable name for ${h}`}
                        aria-invalid={badName(i) !== undefined}
                        list={`${id}-vars`}
                        placeholder={ownKey(preview, h, i)}
                        value={names[i] ?? ''}
                        onChange={(e) => {
                          const v = e.target.value;
                          changed(setNames)((prev: Record<number, string>) => ({ ...prev, [i]: v }));
                        }}
                      />
                      {badName(i) && <small className="field__error">{badName(i)}</small>}
                    </>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.sample.map((r) => (
              <tr key={r.row}>
                <td className="muted">{r.row}</td>
                {headers.map((_, i) => (
                  <td key={i} className={`col--${role(i)}`}>
                    {r.cells[i] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && <ErrorBanner message={error} onDismiss={dismissError} />}
      <div className="form__actions">
        <button type="button" disabled={!canImport} onClick={submit}>
          Import {listName.trim() ? `“${listName.trim()}”` : ''}
        </button>
        <button type="button" className="button--quiet" onClick={reset}>
          Choose another file
        </button>
      </div>
    </div>
  );
}
