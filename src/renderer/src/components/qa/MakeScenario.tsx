import type React from 'react';
import { useId, useState } from 'react';
import type { QaSuiteSummary } from '../../../../shared/qa';
import { api, errorMessage } from '../../api';
import { ErrorBanner } from '../ErrorBanner';
import { useQaStore } from '../../state/qa-store';

/** The default choice: the data folder's qa/suites/recorded-calls (made on first use). */
const NEW_SUITE = '';

/**
 * "Make QA scenario" on a recorded call: drafts the call as a scenario (its caller recording as the
 * human caller, expectations from what the bot said) in a chosen suite, then opens it in the QA
 * editor to be edited.
 */
export function MakeScenario({ sessionId }: { sessionId: string }): React.JSX.Element {
  const id = useId();
  const [suites, setSuites] = useState<QaSuiteSummary[] | null>(null);
  const [dir, setDir] = useState(NEW_SUITE);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const openDraft = useQaStore((s) => s.openDraft);

  const choose = async () => {
    setError(undefined);
    try {
      const all = (await api().qa.suites({})).suites;
      setSuites(all.filter((s) => s.source === 'user'));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const make = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const made = await api().qa.scenarioFromCall({ sessionId, ...(dir ? { dir } : {}) });
      openDraft(made.dir, made.file);
      window.location.hash = '#/qa';
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (!suites) {
    return (
      <div className="toolbar">
        <button type="button" className="button--quiet" onClick={() => void choose()}>
          Make QA scenario
        </button>
        {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
      </div>
    );
  }
  const recorded = suites.find((s) => s.name === 'recorded-calls');
  return (
    <div className="toolbar toolbar--wrap" role="group" aria-label="Make a QA scenario from this call">
      <label htmlFor={`${id}-suite`}>Into suite</label>
      <select id={`${id}-suite`} value={dir} onChange={(e) => setDir(e.target.value)}>
        <option value={NEW_SUITE}>recorded-calls{recorded ? '' : ' (new)'} · data folder</option>
        {suites
          .filter((s) => s !== recorded)
          .map((s) => (
            <option key={s.dir} value={s.dir}>
              {s.name} · {s.scenarios} scenarios
            </option>
          ))}
      </select>
      <button type="button" disabled={busy} onClick={() => void make()}>
        Create scenario
      </button>
      <button type="button" className="button--quiet" onClick={() => setSuites(null)}>
        Cancel
      </button>
      {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
    </div>
  );
}
