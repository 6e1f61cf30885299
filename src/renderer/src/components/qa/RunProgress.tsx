import type React from 'react';
import type { QaRunSummary, QaUpdatedEvent } from '../../../../shared/qa';
import { useJobsStore } from '../../state/jobs-store';

function timeLeft(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `about ${s} s left` : `about ${Math.round(s / 60)} min left`;
}

/** A running suite run: scenarios done of all, a bar, and the time left from its job. */
export function RunProgress({
  run,
  update,
}: {
  run: QaRunSummary;
  update: QaUpdatedEvent | undefined;
}): React.JSX.Element {
  const job = useJobsStore((s) => s.running.find((j) => j.id === run.jobId));
  const done = update?.done ?? job?.progress.done ?? 0;
  const total = update?.total ?? job?.progress.total ?? null;
  const pct = total ? Math.min(100, Math.round((done / total) * 100)) : undefined;
  const eta = job?.progress.etaMs ?? null;
  return (
    <div className="qa-progress" data-testid="qa-progress">
      <div
        className="progress"
        role="progressbar"
        aria-label={`Progress of the ${run.suiteName} run`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress__bar" style={{ width: `${pct ?? 0}%` }} />
      </div>
      <span className="muted">
        {total !== null ? `${done} of ${total} scenario runs` : `${done} scenario runs`}
        {eta !== null ? ` · ${timeLeft(eta)}` : ''}
      </span>
    </div>
  );
}
