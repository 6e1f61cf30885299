import type React from 'react';
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
        </div>
      )}
    </SectionForm>
  );
}
