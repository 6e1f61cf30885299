import type { JobInfo, JobProgress } from '../../../shared/jobs';
import { parseJson } from '../input';
import type { JobRow } from '../store';

/** Stored JSON is read back through the bounded parser: a damaged row reads as empty, never throws. */
export function readJson(text: string | null): unknown {
  if (text === null) return null;
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : null;
}

export function readProgress(text: string, unit: string): JobProgress {
  const v = readJson(text) as Partial<JobProgress> | null;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  return {
    done: num(v?.done) ?? 0,
    total: num(v?.total),
    unit: typeof v?.unit === 'string' ? v.unit : unit,
    note: typeof v?.note === 'string' ? v.note : null,
    etaMs: null,
  };
}

export function rowToInfo(row: JobRow): JobInfo {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    subject: row.subject,
    actor: row.actor,
    state: row.state,
    progress: readProgress(row.progress, ''),
    summary: row.summary,
    result: readJson(row.result),
    error:
      row.error_code !== null ? { code: row.error_code, message: row.error_message ?? row.error_code } : null,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    resumes: row.resumes,
  };
}
