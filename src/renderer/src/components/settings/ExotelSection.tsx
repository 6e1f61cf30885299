import type React from 'react';
import type { Settings } from '../../../../shared/settings';
import { Field } from '../Field';
import { SecretField } from '../SecretField';
import { SectionForm } from '../SectionForm';
import { EXOTEL_HOSTS, ExotelSettingsSchema } from '../../../../shared/settings';

const HOST_LABELS: Record<(typeof EXOTEL_HOSTS)[number], string> = {
  'api.exotel.com': 'Singapore cluster (api.exotel.com)',
  'api.in.exotel.com': 'Mumbai cluster (api.in.exotel.com)',
};

interface Props {
  saved: Settings['exotel'];
  save: (values: Settings['exotel']) => Promise<void>;
}

export function ExotelSection({ saved, save }: Props): React.JSX.Element {
  return (
    <SectionForm
      title="Exotel account"
      description="Used to place calls through Exotel's Calls API. Without credentials CallDeck rehearses against its local sandbox."
      schema={ExotelSettingsSchema}
      saved={saved}
      onSave={save}
      extra={
        <div className="card__secrets">
          <SecretField name="exotel.apiKey" label="API key" hint="Username of Exotel's API credentials" />
          <SecretField name="exotel.apiToken" label="API token" hint="Password of Exotel's API credentials" />
        </div>
      }
    >
      {(d, update, errors) => (
        <div className="grid">
          <Field label="Account SID" error={errors.accountSid}>
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                value={d.accountSid}
                onChange={(e) => update({ accountSid: e.target.value })}
              />
            )}
          </Field>
          <Field label="Cluster" error={errors.host}>
            {(id, by) => (
              <select
                id={id}
                aria-describedby={by}
                value={d.host}
                onChange={(e) => update({ host: e.target.value as (typeof EXOTEL_HOSTS)[number] })}
              >
                {EXOTEL_HOSTS.map((h) => (
                  <option key={h} value={h}>
                    {HOST_LABELS[h]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="ExoPhone (caller ID)" hint="e.g. 08047112345" error={errors.callerId}>
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                inputMode="tel"
                value={d.callerId}
                onChange={(e) => update({ callerId: e.target.value })}
              />
            )}
          </Field>
          <Field
            label="Flow app id"
            hint="The number at the end of the flow's start_voice URL"
            error={errors.flowAppId}
          >
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                inputMode="numeric"
                value={d.flowAppId}
                onChange={(e) => update({ flowAppId: e.target.value })}
              />
            )}
          </Field>
        </div>
      )}
    </SectionForm>
  );
}
