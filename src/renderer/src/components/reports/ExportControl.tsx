import type React from 'react';
import { useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat, type ExportScopeInput } from '../../../../shared/reports';
import { api, errorMessage } from '../../api';
import { ErrorBanner } from '../ErrorBanner';
import { artifactUrl } from '../../artifacts';
import { useJobsStore } from '../../state/jobs-store';
import { exportResultOf } from './export-result';
import './reports.css';

const LABELS: Record<ExportFormat, string> = {
  xlsx: 'Excel workbook (.xlsx)',
  csv: 'CSV files (.zip)',
  html: 'HTML report',
  pdf: 'PDF report',
  bundle: 'Audit bundle (.zip)',
};

/**
 * Export of one scope (a campaign, a QA run, a date range): pick a format, start the export job;
 * it shows in the Jobs tray, and here its progress, then a download link (or its error).
 */
export function ExportControl({
  scope,
  label,
}: {
  /** null: the scope is not complete yet (e.g. a date missing); the button stays off. */
  scope: ExportScopeInput | null;
  label: string;
}): React.JSX.Element {
  const [format, setFormat] = useState<ExportFormat>('xlsx');
  const [jobId, setJobId] = useState<string>();
  const [error, setError] = useState<string>();
  const [starting, setStarting] = useState(false);
  const job = useJobsStore((s) => [...s.running, ...s.recent].find((j) => j.id === jobId));
  const result = job ? exportResultOf(job) : undefined;

  const start = async () => {
    if (!scope) return;
    setStarting(true);
    setError(undefined);
    try {
      const { jobId: id } = await api().reports.export({ scope, format });
      setJobId(id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };

  const pct =
    job?.state === 'running' && job.progress.total
      ? Math.min(100, Math.round((job.progress.done / job.progress.total) * 100))
      : undefined;
  return (
    <div className="export-control" role="group" aria-label={label}>
      <label>
        Export as{' '}
        <select
          value={format}
          onChange={(e) => {
            setFormat(e.target.value as ExportFormat);
            setError(undefined); // an error was about the last export asked for
          }}
        >
          {EXPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {LABELS[f]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        disabled={!scope || starting || job?.state === 'running'}
        onClick={() => void start()}
      >
        Export
      </button>
      <span className="export-control__status" role="status">
        {job?.state === 'running' && `Exporting${pct !== undefined ? ` · ${pct}%` : ''} (see Jobs)`}
        {result && (
          <a href={artifactUrl({ id: result.artifactId }, { download: true })} download={result.name}>
            Download {result.name}
            {result.filesDir ? ' (the report with its recordings: unzip and open the .html)' : ''}
          </a>
        )}
        {result?.signingKey && (
          // What an auditor pins: calldeck audit verify-bundle FILE --key <this> (or node verify.mjs).
          <span className="export-control__key">
            Signed by key <code data-testid="signing-key">{result.signingKey}</code>: give it to the auditor
            to check the bundle with <code>--key</code>
          </span>
        )}
      </span>
      {job && job.state !== 'running' && !result && (
        // Dismissed: the failed job is forgotten here (the Jobs tray keeps it).
        <ErrorBanner
          message={`Export ${job.state}${job.error ? `: ${job.error.message}` : ''}`}
          onDismiss={() => setJobId(undefined)}
        />
      )}
      {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
    </div>
  );
}
