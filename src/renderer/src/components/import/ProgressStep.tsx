import type React from 'react';
import type { ImportProgress } from '../../../../shared/contacts';
import { useListsStore } from '../../state/lists-store';
import { formatCount } from '../../format';

/** Step 3: rows read so far, speed, and a way out (a cancelled import leaves no list behind). */
export function ProgressStep({
  listName,
  progress,
}: {
  listName: string;
  progress?: ImportProgress;
}): React.JSX.Element {
  const cancelImport = useListsStore((s) => s.cancelImport);
  const pct =
    progress && progress.totalBytes > 0
      ? Math.min(100, Math.round((progress.bytesRead / progress.totalBytes) * 100))
      : 0;
  return (
    <div className="import-step">
      <p>
        Importing <strong>{listName}</strong>
        {progress?.phase === 'saving' ? ' — saving…' : '…'}
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress__bar" style={{ width: `${pct}%` }} />
      </div>
      <p className="muted" data-testid="import-progress">
        {progress
          ? `${formatCount(progress.rows)} rows · ${formatCount(Math.round(progress.rowsPerSecond))} rows/s · ${formatCount(progress.valid)} valid · ${formatCount(progress.invalid)} invalid · ${formatCount(progress.duplicates)} duplicates`
          : 'Starting…'}
      </p>
      <div className="form__actions">
        <button type="button" className="button--quiet" onClick={() => void cancelImport()}>
          Cancel import
        </button>
      </div>
    </div>
  );
}
