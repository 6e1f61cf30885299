import type { JobInfo } from '../../../../shared/jobs';
import type { ExportResult } from '../../../../shared/reports';

/** The file a finished export job produced (an artifact), or undefined for any other job. */
export function exportResultOf(job: JobInfo): ExportResult | undefined {
  if (job.kind !== 'reports.export' || job.state !== 'succeeded') return undefined;
  const r = job.result as Partial<ExportResult> | null;
  return r && typeof r.artifactId === 'string' && typeof r.name === 'string'
    ? (r as ExportResult)
    : undefined;
}
