import type React from 'react';
import { useEffect, useId, useState } from 'react';
import type { QaScenarioInfo } from '../../../../shared/qa';
import { api, errorMessage } from '../../api';
import { ProblemList } from './ProblemList';

const CHECK_DELAY_MS = 400;

/**
 * A scenario's YAML, editable (the page keys it by suite and file: another scenario starts afresh).
 * Every change is checked by the core with the runner's own parser (qa.checkScenario: line,
 * field, message); Save writes the file only when it is valid.
 */
export function ScenarioEditor({
  dir,
  item,
  readOnly,
  onSaved,
}: {
  dir: string;
  item: QaScenarioInfo;
  /** Bundled suites ship with the app: shown, not edited. */
  readOnly: boolean;
  onSaved: (item: QaScenarioInfo) => void;
}): React.JSX.Element {
  const id = useId();
  const [text, setText] = useState(item.text);
  // The last text the core checked and what it found; a different text is being checked.
  const [checked, setChecked] = useState({ text: item.text, problems: item.problems });
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const checking = checked.text !== text;
  const problems = checked.problems;

  useEffect(() => {
    if (text === checked.text) return;
    let current = true;
    const timer = window.setTimeout(() => {
      api()
        .qa.checkScenario({ dir, file: item.file, text })
        .then((r) => {
          if (current) setChecked({ text, problems: r.problems });
        })
        .catch((err: unknown) => {
          if (current) setStatus({ kind: 'error', text: errorMessage(err) });
        });
    }, CHECK_DELAY_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [dir, item.file, text, checked.text]);

  const save = async () => {
    setStatus(undefined);
    try {
      const r = await api().qa.saveScenario({ dir, file: item.file, text });
      setChecked({ text, problems: r.problems });
      if (r.saved && r.item) {
        setStatus({ kind: 'ok', text: `Saved ${item.file}.` });
        onSaved(r.item);
      } else {
        setStatus({ kind: 'error', text: 'Not saved: fix the problems first.' });
      }
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(err) });
    }
  };

  const changed = text !== item.text;
  return (
    <div className="qa-editor">
      <label htmlFor={`${id}-yaml`}>
        {item.file} {checking ? <span className="muted">checking…</span> : null}
      </label>
      <textarea
        id={`${id}-yaml`}
        className="qa-editor__text"
        spellCheck={false}
        rows={Math.min(30, Math.max(8, text.split('\n').length + 1))}
        value={text}
        aria-invalid={problems.length > 0}
        readOnly={readOnly}
        onChange={(e) => setText(e.target.value)}
      />
      <ProblemList problems={problems} />
      {readOnly && (
        <p className="muted">
          A bundled suite: read-only. Copy it to your suites (Copy to my suites, above) to edit it.
        </p>
      )}
      {!readOnly && (
        <div className="form__actions">
          <button
            type="button"
            disabled={!changed || checking || problems.length > 0}
            onClick={() => void save()}
          >
            Save {item.file}
          </button>
          <button
            type="button"
            className="button--quiet"
            disabled={!changed}
            onClick={() => setText(item.text)}
          >
            Revert
          </button>
          {status && (
            <span className={status.kind === 'ok' ? 'status--saved' : 'status--error'} role="status">
              {status.text}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
