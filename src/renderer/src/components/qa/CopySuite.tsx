import type React from 'react';
import { useId, useState } from 'react';
import type { QaSuiteDetail } from '../../../../shared/qa';
import { api, errorMessage } from '../../api';
import { ErrorBanner } from '../ErrorBanner';

/**
 * A bundled suite ships with the app and is read-only: this copies it (scenarios and recordings)
 * into the user's suites under a new name, where it can be edited and run.
 */
export function CopySuite({
  suite,
  onCopied,
}: {
  suite: QaSuiteDetail;
  onCopied: (copy: QaSuiteDetail) => void;
}): React.JSX.Element {
  const id = useId();
  const [name, setName] = useState(`${suite.name} copy`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const copy = async () => {
    setBusy(true);
    try {
      onCopied(await api().qa.copySuite({ dir: suite.dir, name: name.trim() }));
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="toolbar" role="group" aria-label="Copy this suite">
      <span className="muted">A bundled suite is read-only: copy it to edit its scenarios.</span>
      <label htmlFor={id}>New suite name</label>
      <input
        id={id}
        value={name}
        maxLength={64}
        onChange={(e) => {
          setName(e.target.value);
          setError(undefined);
        }}
      />
      <button type="button" disabled={busy || name.trim() === ''} onClick={() => void copy()}>
        Copy to my suites
      </button>
      {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
    </div>
  );
}
