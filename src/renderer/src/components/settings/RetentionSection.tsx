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

const CLASSES: { key: Exclude<keyof RetentionSettings, 'backupsKept'>; label: string; hint: string }[] = [
  { key: 'recordingsDays', label: 'Recordings', hint: 'Call audio (WAV)' },
  { key: 'transcriptsDays', label: 'Transcripts', hint: 'What the caller and the bot said' },
  { key: 'callRecordsDays', label: 'Call records', hint: 'Calls, their events and campaign rows' },
  { key: 'qaRecordingsDays', label: 'QA audio', hint: "QA runs' caller and bot audio (verdicts stay)" },
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
          {CLASSES.map((c) => (
            <Field key={c.key} label={`${c.label}: days kept`} hint={c.hint} error={errors[c.key]}>
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  type="number"
                  min={1}
                  step={1}
                  placeholder="kept for ever"
                  value={d[c.key] ?? ''}
                  onChange={(e) => update({ [c.key]: e.target.value === '' ? null : Number(e.target.value) })}
                />
              )}
            </Field>
          ))}
          <Field
            label="Backups kept"
            hint="The newest backup archives kept in the data folder; older ones are deleted"
            error={errors.backupsKept}
          >
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                type="number"
                min={1}
                step={1}
                placeholder="all"
                value={d.backupsKept ?? ''}
                onChange={(e) =>
                  update({ backupsKept: e.target.value === '' ? null : Number(e.target.value) })
                }
              />
            )}
          </Field>
        </div>
      )}
    </SectionForm>
  );
}
