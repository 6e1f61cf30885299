import type React from 'react';
import { useEffect, useState } from 'react';
import {
  RetentionSettingsSchema,
  type RetentionRunResult,
  type RetentionSettings,
} from '../../../../shared/data-care';
import { api, errorMessage } from '../../api';
import { Field } from '../Field';
import { SectionForm } from '../SectionForm';
import { formatCount } from '../../format';

// Each field is a whole number or empty (off); the days classes and the backups cap read alike.
const FIELDS: { key: keyof RetentionSettings; label: string; hint: string; placeholder: string }[] = [
  {
    key: 'recordingsDays',
    label: 'Recordings: days kept',
    hint: 'Call audio (WAV)',
    placeholder: 'kept for ever',
  },
  {
    key: 'transcriptsDays',
    label: 'Transcripts: days kept',
    hint: 'What the caller and the bot said',
    placeholder: 'kept for ever',
  },
  {
    key: 'callRecordsDays',
    label: 'Call records: days kept',
    hint: 'Calls, their events and campaign rows',
    placeholder: 'kept for ever',
  },
  {
    key: 'qaRecordingsDays',
    label: 'QA audio: days kept',
    hint: "QA runs' caller and bot audio (verdicts stay)",
    placeholder: 'kept for ever',
  },
  {
    key: 'backupsKept',
    label: 'Backups kept',
    hint: 'The newest backup archives kept in the data folder; older ones are deleted',
    placeholder: 'all',
  },
];

const counted = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, v]) => `${formatCount(v)} ${k}`)
    .join(', ');

/** Days kept per class of data (empty: kept for ever), and "apply now". */
export function RetentionSection(): React.JSX.Element {
  const [saved, setSaved] = useState<RetentionSettings>();
  const [error, setError] = useState<string>();
  const [run, setRun] = useState<RetentionRunResult>();
  const [running, setRunning] = useState(false);

  useEffect(() => {
    api()
      .data.retention()
      .then(setSaved, (err: unknown) => setError(errorMessage(err)));
  }, []);

  if (error && !saved) return <p className="banner banner--error">Cannot load retention: {error}</p>;
  if (!saved) return <p className="muted">Loading retention…</p>;

  const apply = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setRun(await api().data.runRetention());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRunning(false);
    }
  };

  return (
    <SectionForm
      title="Retention"
      description="Delete what is older than a number of days, class by class, and keep only the newest backups. Empty keeps it for ever (the default). Applied when CallDeck starts and every day while it runs; a call still open, or any call of a campaign that may still dial, is never deleted. Each deletion is written to the audit log."
      schema={RetentionSettingsSchema}
      saved={saved}
      onSave={async (values) => setSaved(await api().data.setRetention(values))}
      extra={
        <div className="form__actions">
          <button type="button" className="button--quiet" disabled={running} onClick={() => void apply()}>
            Apply retention now
          </button>
          {run && (
            <span className="status status--saved" role="status" aria-label="Retention result">
              {run.classes.length === 0
                ? 'Retention is off for every class: nothing deleted.'
                : run.classes.map((c) => `${c.class}: ${counted(c.counts)} deleted`).join('; ')}
            </span>
          )}
          {error && (
            <span className="status status--error" role="status">
              {error}
            </span>
          )}
        </div>
      }
    >
      {(d, update, errors) => (
        <div className="grid">
          {FIELDS.map((f) => (
            <Field key={f.key} label={f.label} hint={f.hint} error={errors[f.key]}>
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  type="number"
                  min={1}
                  step={1}
                  placeholder={f.placeholder}
                  value={d[f.key] ?? ''}
                  onChange={(e) => update({ [f.key]: e.target.value === '' ? null : Number(e.target.value) })}
                />
              )}
            </Field>
          ))}
        </div>
      )}
    </SectionForm>
  );
}
