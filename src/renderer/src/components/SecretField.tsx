import type React from 'react';
import { useState } from 'react';
import { SetSecretSchema } from '../../../shared/api/contract';
import type { SecretName } from '../../../shared/settings';
import { errorMessage } from '../api';
import { useSettingsStore } from '../state/settings-store';
import { Field } from './Field';

/** The core's own rule for a secret's value, checked here as it is typed. */
const SecretValue = SetSecretSchema.shape.value;

/** A secret is never shown: only whether it is set. It can be replaced or cleared. */
export function SecretField({
  name,
  label,
  hint,
}: {
  name: SecretName;
  label: string;
  hint?: string;
}): React.JSX.Element {
  const isSet = useSettingsStore((s) => s.view?.secrets[name] ?? false);
  const setSecret = useSettingsStore((s) => s.setSecret);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const problem = draft === '' ? undefined : SecretValue.safeParse(draft).error?.issues[0]?.message;

  const run = async (value: string | null) => {
    setBusy(true);
    setError(undefined);
    try {
      await setSecret(name, value);
      setDraft('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Field label={label} hint={hint} error={problem ?? error}>
      {(id, describedBy) => (
        <div className="secret">
          <span
            className={`badge ${isSet ? 'badge--ok' : 'badge--muted'}`}
            data-testid={`secret-state-${name}`}
          >
            {isSet ? 'set' : 'not set'}
          </span>
          <input
            id={id}
            type="password"
            autoComplete="off"
            value={draft}
            placeholder={isSet ? 'Enter a new value to replace' : 'Enter value'}
            aria-describedby={describedBy}
            onChange={(e) => {
              setDraft(e.target.value);
              setError(undefined); // an earlier save's error is about the old value
            }}
          />
          <button
            type="button"
            disabled={busy || draft.trim() === '' || problem !== undefined}
            onClick={() => void run(draft)}
          >
            Save
          </button>
          <button
            type="button"
            className="button--quiet"
            disabled={busy || !isSet}
            onClick={() => void run(null)}
          >
            Clear
          </button>
        </div>
      )}
    </Field>
  );
}
