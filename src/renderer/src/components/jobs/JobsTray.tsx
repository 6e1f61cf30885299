import type React from 'react';
import { useState } from 'react';
import type { JobInfo, JobProgress } from '../../../../shared/jobs';
import { useJobsStore } from '../../state/jobs-store';
import { ErrorBanner } from '../ErrorBanner';
import { artifactUrl } from '../../artifacts';
import { exportResultOf } from '../reports/export-result';
import './jobs.css';
import { formatCount, formatDateTime } from '../../format';

function amount(n: number, unit: string): string {
  if (unit !== 'bytes') return `${formatCount(n)} ${unit}`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

function timeLeft(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `about ${s} s left`;
  const m = Math.round(s / 60);
  if (m < 60) return `about ${m} min left`;
  return `about ${Math.floor(m / 60)} h ${m % 60} min left`;
}

const percent = (p: JobProgress) =>
  p.total && p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : undefined;

const OUTCOME: Record<Exclude<JobInfo['state'], 'running'>, string> = {
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

function RunningJob({ job }: { job: JobInfo }): React.JSX.Element {
  const cancel = useJobsStore((s) => s.cancel);
  const pct = percent(job.progress);
  const { progress } = job;
  return (
    <li className="job" data-testid="job-running">
      <div className="job__title">{job.title}</div>
      <div
        className="progress"
        role="progressbar"
        aria-label={`Progress of ${job.title}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress__bar" style={{ width: `${pct ?? 0}%` }} />
      </div>
      <div className="job__detail muted">
        {pct !== undefined ? `${pct}% · ` : ''}
        {progress.total !== null
          ? `${amount(progress.done, progress.unit)} of ${amount(progress.total, progress.unit)}`
          : amount(progress.done, progress.unit)}
        {progress.note ? ` · ${progress.note}` : ''}
        {progress.etaMs !== null ? ` · ${timeLeft(progress.etaMs)}` : ''}
      </div>
      <button
        type="button"
        className="button--quiet"
        aria-label={`Cancel ${job.title}`}
        onClick={() => void cancel(job.id)}
      >
        Cancel
      </button>
    </li>
  );
}

function FinishedJob({ job }: { job: JobInfo }): React.JSX.Element {
  const state = job.state === 'running' ? 'succeeded' : job.state;
  const file = exportResultOf(job);
  return (
    <li className="job" data-testid="job-finished">
      <div className="job__title">{job.title}</div>
      <div className={`job__outcome job__outcome--${state}`}>
        <strong>{OUTCOME[state]}</strong>
        {job.summary ? ` · ${job.summary}` : ''}
        {job.error ? ` · ${job.error.message}` : ''}
      </div>
      {file && (
        <a href={artifactUrl({ id: file.artifactId }, { download: true })} download={file.name}>
          Download {file.name}
        </a>
      )}
      {job.finishedAt && <div className="job__detail muted">{formatDateTime(job.finishedAt)}</div>}
    </li>
  );
}

/** The header's Jobs tray: running jobs with progress, time left and cancel; recent ones with their outcome. */
export function JobsTray(): React.JSX.Element {
  const { running, recent, error, dismissError } = useJobsStore();
  const [open, setOpen] = useState(false);
  return (
    <div className="jobs-tray">
      <button
        type="button"
        className="jobs-tray__toggle"
        aria-expanded={open}
        aria-controls="jobs-panel"
        onClick={() => setOpen((o) => !o)}
      >
        Jobs{running.length > 0 ? ` · ${running.length} running` : ''}
      </button>
      {open && (
        <section id="jobs-panel" className="jobs-panel" aria-label="Jobs">
          {error && <ErrorBanner message={error} onDismiss={dismissError} />}
          <h2>Running</h2>
          {running.length === 0 ? (
            <p className="muted">Nothing running.</p>
          ) : (
            <ul className="jobs">
              {running.map((j) => (
                <RunningJob key={j.id} job={j} />
              ))}
            </ul>
          )}
          <h2>Recent</h2>
          {recent.length === 0 ? (
            <p className="muted">No finished jobs yet.</p>
          ) : (
            <ul className="jobs">
              {recent.map((j) => (
                <FinishedJob key={j.id} job={j} />
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
