import type React from 'react';
import { useState } from 'react';
import type { Settings } from '../../../../shared/settings';
import { Field } from '../Field';
import { SecretField } from '../SecretField';
import { SectionForm } from '../SectionForm';
import { TunnelSettingsSchema } from '../../../../shared/settings';

interface Props {
  saved: Settings['tunnel'];
  save: (values: Settings['tunnel']) => Promise<void>;
}

export function TunnelSection({ saved, save }: Props): React.JSX.Element {
  return (
    <SectionForm
      title="Tunnel"
      description="How Exotel reaches this machine for callbacks and the voicebot stream."
      schema={TunnelSettingsSchema}
      saved={saved}
      onSave={save}
      extra={
        <div className="card__secrets">
          <SecretField name="tunnel.ngrokAuthtoken" label="ngrok authtoken" />
        </div>
      }
    >
      {(d, update, errors) => (
        <div className="grid">
          <Field label="Tunnel provider" error={errors.provider}>
            {(id, by) => (
              <select
                id={id}
                aria-describedby={by}
                value={d.provider}
                onChange={(e) => update({ provider: e.target.value as 'ngrok' | 'manual' })}
              >
                <option value="manual">My own public URL</option>
                <option value="ngrok">ngrok</option>
              </select>
            )}
          </Field>
          <Field
            label="Public URL"
            hint="https://… that forwards to CallDeck's public surface"
            error={errors.publicUrl}
          >
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                value={d.publicUrl}
                onChange={(e) => update({ publicUrl: e.target.value })}
              />
            )}
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={d.restrictSources}
              onChange={(e) => update({ restrictSources: e.target.checked })}
            />
            Answer callbacks and voicebot streams only from these source ranges
          </label>
          <RangesField
            value={d.allowedSources}
            onChange={(allowedSources) => update({ allowedSources })}
            error={
              errors.allowedSources ??
              Object.entries(errors).find(([k]) => k.startsWith('allowedSources.'))?.[1]
            }
          />
        </div>
      )}
    </SectionForm>
  );
}

/** One range per line; the text is kept as typed, the setting gets the non-empty lines. */
function RangesField(props: {
  value: string[];
  onChange: (ranges: string[]) => void;
  error: string | undefined;
}): React.JSX.Element {
  const [text, setText] = useState(props.value.join('\n'));
  return (
    <Field
      label="Allowed source ranges"
      hint="Exotel's ranges, one per line (e.g. 203.0.113.0/24): Exotel does not publish them, ask its support"
      error={props.error}
    >
      {(id, by) => (
        <textarea
          id={id}
          aria-describedby={by}
          rows={3}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            props.onChange(
              e.target.value
                .split('\n')
                .map((l) => l.trim())
                .filter((l) => l !== ''),
            );
          }}
        />
      )}
    </Field>
  );
}
