import type React from 'react';
import { useState } from 'react';
import { PacingSchema, type CampaignDetail } from '../../../shared/campaigns';
import { api, errorMessage } from '../api';

const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));

/** Changes a campaign's pacing, also while it runs (the core refuses a rate above the account's limit). */
export function PacingEditor({ c }: { c: CampaignDetail }): React.JSX.Element {
  const [maxConcurrent, setMax] = useState(c.settings.pacing.maxConcurrent);
  const [callsPerMinute, setCpm] = useState(c.settings.pacing.callsPerMinute);
  const [message, setMessage] = useState<{ error: boolean; text: string }>();
  const parsed = PacingSchema.safeParse({ maxConcurrent, callsPerMinute });
  const invalid = parsed.success ? undefined : parsed.error.issues[0]?.message;
  const apply = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!parsed.success) return;
    try {
      await api().campaigns.setPacing({ campaignId: c.id, pacing: parsed.data });
      setMessage({ error: false, text: 'Pacing changed.' });
    } catch (err) {
      setMessage({ error: true, text: errorMessage(err) });
    }
  };
  return (
    <form className="toolbar" aria-label="Pacing" onSubmit={(e) => void apply(e)} noValidate>
      <label className="field-inline">
        At once
        <input
          type="number"
          min={1}
          style={{ width: 80 }}
          value={Number.isNaN(maxConcurrent) ? '' : maxConcurrent}
          onChange={(e) => setMax(num(e.target.value))}
        />
      </label>
      <label className="field-inline">
        Per minute
        <input
          type="number"
          min={1}
          style={{ width: 80 }}
          value={Number.isNaN(callsPerMinute) ? '' : callsPerMinute}
          onChange={(e) => setCpm(num(e.target.value))}
        />
      </label>
      <button type="submit" className="button--quiet" disabled={invalid !== undefined}>
        Change pacing
      </button>
      {invalid && (
        <small className="field__error" role="alert">
          {invalid}
        </small>
      )}
      {message && (
        <small className={message.error ? 'field__error' : 'muted'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </small>
      )}
    </form>
  );
}
