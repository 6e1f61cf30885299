import type { JobProgress } from '../../../shared/jobs';
import type { ProgressReport } from './types';

/** An estimate needs a little history: none before this much of the run has passed. */
const MIN_ELAPSED_FOR_ETA_MS = 500;

/**
 * A job's progress and its time left. The rate is measured over this run only (a resumed job's
 * earlier work says nothing about how fast this process goes), from the first report it made.
 */
export class ProgressTracker {
  private current: JobProgress;
  private base?: { at: number; done: number };

  constructor(
    unit: string,
    private readonly now: () => number,
    initial?: Partial<JobProgress>,
  ) {
    this.current = {
      done: initial?.done ?? 0,
      total: initial?.total ?? null,
      unit,
      note: initial?.note ?? null,
      etaMs: null,
    };
  }

  update(report: ProgressReport): JobProgress {
    const at = this.now();
    const done = Number.isFinite(report.done) ? Math.max(0, report.done) : this.current.done;
    const total = report.total === undefined ? this.current.total : report.total;
    this.base ??= { at, done };
    const elapsed = at - this.base.at;
    const gained = done - this.base.done;
    let etaMs: number | null = null;
    if (total !== null && elapsed >= MIN_ELAPSED_FOR_ETA_MS && gained > 0) {
      etaMs = Math.max(0, Math.round(((total - done) * elapsed) / gained));
    }
    this.current = {
      done,
      total,
      unit: this.current.unit,
      note: report.note === undefined ? this.current.note : report.note,
      etaMs,
    };
    return this.current;
  }

  /** The last progress; at the end nothing is left to wait for. */
  value(finished = false): JobProgress {
    return finished ? { ...this.current, etaMs: null } : this.current;
  }
}
