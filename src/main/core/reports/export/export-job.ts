import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import {
  REPORT_AUDIO,
  ExportFormatSchema,
  ExportScopeSchema,
  scopeSubject,
  exportCountsText,
  type ExportAuditHead,
  type ExportRequest,
  type ExportResult,
  type ExportScope,
} from '../../../../shared/reports';
import type { Artifacts } from '../../artifacts';
import { JobError, type JobEngine, type JobKind, type RecordedJob } from '../../jobs';
import type { Logger } from '../../logging';
import type { AuditFollowUp, AuditScope, Db } from '../../store';
import { JobAuditStartSchema, type AuditTrail } from '../audit-trail';
import { filesDirFor } from '../html/audio';
import { zipReportWithFiles } from '../html/report-zip';
import { withAuditHead } from './audit-head';
import { ExportFormatError, ExportScopeError } from './errors';
import { recordingsInDataFolder } from './recording-names';
import { SqliteExportSource, type ExportSourceOptions } from './row-source';
import type { ExportWriters } from './writers';

export const EXPORT_JOB_KIND = 'reports.export';
/** Exports are written here, inside the data folder, and served as artifacts. */
export const EXPORTS_DIR = 'exports';

const ExportJobInput = z.strictObject({
  jobId: z.uuid(), // a file name under exports/: a restart removes <jobId>.part and <jobId>.files
  scope: ExportScopeSchema,
  format: ExportFormatSchema,
  audio: z.enum(REPORT_AUDIO).optional(),
  reportName: z.string().optional(),
  /** The reports.export action's start row: a restart after a crash closes it as interrupted. */
  audit: JobAuditStartSchema,
});
type ExportJobInput = z.infer<typeof ExportJobInput>;

export interface ExportJobsDeps {
  jobs: JobEngine;
  dataDir: string;
  /** Reached when a job ends (the composition root builds the register after jobs recover). */
  artifacts: () => Artifacts;
  trail: AuditTrail;
  writers: ExportWriters;
  /** A connection of the export's own, read-only (see SqliteExportSource). */
  openReader: () => Db;
  /**
   * Large exports' rows read in a worker thread (see ExportSourceOptions): the desktop app passes
   * its native binding here. Unset: the source's default (on under plain Node, off under Electron).
   */
  readerWorker?: ExportSourceOptions['worker'];
  /** The audit log's head and its check, carried in every export's summary (issue 8). */
  auditHead?: () => Promise<ExportAuditHead>;
  log: Logger;
}

const slug = (s: string) =>
  s
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

/** `2026-11-26T04:10:00.000Z` → `20261126T0410Z`. */
const compactTime = (iso: string) => iso.replace(/[-:]/g, '').slice(0, 13) + 'Z';

const MIDNIGHT = 'T00:00:00.000Z';

/**
 * A range as the user gave it: whole days by their first and last day (`--from 2026-11-26 --to
 * 2026-11-26` is the one day; the scope holds its end exclusive, the next midnight), else the times.
 */
function rangeName(from: string, to: string): string {
  if (from.endsWith(MIDNIGHT) && to.endsWith(MIDNIGHT)) {
    const last = new Date(Date.parse(to) - 86_400_000).toISOString();
    return `${from.slice(0, 10)}-to-${last.slice(0, 10)}`;
  }
  return `${compactTime(from)}-to-${compactTime(to)}`;
}

/** A file name that says what it holds and when: `calldeck-campaign-<id>-20261126T0410Z.xlsx`. */
export function exportFileName(scope: ExportScope, extension: string, at: Date): string {
  const when = compactTime(at.toISOString());
  const what =
    scope.kind === 'campaign'
      ? `campaign-${slug(scope.campaignId)}`
      : scope.kind === 'qa_run'
        ? `qa-run-${slug(scope.runId)}`
        : `calls-${rangeName(scope.from, scope.to)}`;
  return `calldeck-${what}-${when}.${extension}`;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Exports as jobs (`reports.export`): progress is rows written of the total, cancel stops between
 * rows, and the file lands under the data folder's exports/ as an artifact the page downloads by
 * id. The Api action's audit rows bracket it: a start row when it is asked for, an end row with the
 * file's SHA-256 (committed with the artifact's row) or its error. A restart does not resume an
 * export (it is quick to ask again): it ends interrupted, its half-written file removed.
 */
export class ExportJobs {
  private readonly kind: JobKind<ExportJobInput, ExportResult, AuditFollowUp>;

  constructor(private readonly deps: ExportJobsDeps) {
    this.kind = this.makeKind();
    deps.jobs.register(this.kind);
  }

  /** Checks the format has a writer (a clear error naming it otherwise), then starts the job. */
  start(req: ExportRequest, audit: AuditScope, actor: string): { jobId: string } {
    const signingKey = this.deps.writers.get(req.format).signingKey?.();
    const jobId = randomUUID();
    let recorded: RecordedJob<ExportJobInput, ExportResult, AuditFollowUp> | undefined;
    const start = { jobId, format: req.format, ...(signingKey ? { signingKey } : {}) };
    const work = audit.begin(start, (startSeq) => {
      recorded = this.deps.jobs.record(
        this.kind,
        {
          jobId,
          scope: req.scope,
          format: req.format,
          ...(req.audio ? { audio: req.audio } : {}),
          ...(req.reportName ? { reportName: req.reportName } : {}),
          audit: { startSeq, actor: audit.actor, action: audit.action, subject: audit.subject },
        },
        {
          id: jobId,
          title: `Export ${req.format.toUpperCase()}: ${scopeSubject(req.scope)}`,
          subject: scopeSubject(req.scope),
          actor,
        },
      );
    });
    if (!recorded) throw new Error('internal: the export job was not recorded');
    this.deps.jobs.run(recorded, work);
    return { jobId };
  }

  private partFile(jobId: string): string {
    return path.join(this.deps.dataDir, EXPORTS_DIR, `${jobId}.part`);
  }

  /**
   * Where a writer puts files beside its output (an HTML report's recordings): a folder of the
   * job's own, holding the one named after the report (`<report>_files`, as its links name it).
   */
  private filesRoot(jobId: string): string {
    return path.join(this.deps.dataDir, EXPORTS_DIR, `${jobId}.files`);
  }

  private makeKind(): JobKind<ExportJobInput, ExportResult, AuditFollowUp> {
    const { artifacts, trail, writers, openReader, log } = this.deps;
    return {
      name: EXPORT_JOB_KIND,
      unit: 'rows',
      restart: {
        action: 'interrupt',
        reason: 'CallDeck stopped during this export; nothing was saved. Export again.',
      },
      input: ExportJobInput,
      run: async (input, ctx, follow) => {
        if (!follow) throw new JobError('internal', 'An export must be started through the Api');
        const part = this.partFile(ctx.id);
        try {
          const writer = writers.get(input.format);
          const signingKey = writer.signingKey?.();
          const signed = signingKey ? { signingKey } : {};
          await fs.promises.mkdir(path.dirname(part), { recursive: true });
          // The audit head as the export starts (its own start row included), checked in slices
          // that let the app run, before the export's snapshot is taken.
          const auditHead = await this.deps.auditHead?.();
          const reader = new SqliteExportSource(
            openReader(),
            input.scope,
            new Date(),
            this.deps.readerWorker ? { worker: this.deps.readerWorker } : undefined,
          );
          const source = withAuditHead(reader, auditHead);
          let name = exportFileName(input.scope, writer.extension, new Date(source.heading.generatedAt));
          // The recordings' folder is named after the report as it is saved (not the job's id).
          const saved = input.reportName ?? name;
          const filesDir = filesDirFor(path.join(this.filesRoot(ctx.id), saved));
          let written = 0;
          try {
            await writer.write(
              source,
              part,
              (p) => {
                written = p.done;
                ctx.progress({ done: p.done, total: p.total, note: p.note ?? null });
              },
              ctx.signal,
              {
                audio: input.audio,
                recordingNames: recordingsInDataFolder(this.deps.dataDir),
                filesDir,
              },
            );
          } finally {
            reader.close();
          }
          if (ctx.signal.aborted) throw new JobError('cancelled', 'The export was cancelled');
          let mime = writer.mime;
          let companion = {};
          if (fs.existsSync(filesDir)) {
            // The report links to recordings in a folder beside it: one download holds both.
            const report = name;
            name = `${path.basename(name, path.extname(name))}.zip`;
            mime = 'application/zip';
            ctx.progress({ done: written, total: written, note: 'zipping the report with its recordings' });
            await zipReportWithFiles({ file: part, name: report }, filesDir, `${part}.zip`);
            await fs.promises.rm(this.filesRoot(ctx.id), { recursive: true, force: true });
            await fs.promises.rename(`${part}.zip`, part);
            companion = { filesDir: path.basename(filesDir), report };
          }
          // The rows every format of this scope carries (a writer's progress also counts what it
          // writes besides: summary lines, a bundle's reports and files).
          const { calls, turns, verdicts } = source.heading.counts;
          const counts = { calls, turns, verdicts };
          const rows = calls + turns + verdicts;
          const sha256 = await sha256Of(part);
          const file = path.join(path.dirname(part), `${ctx.id}-${name}`);
          await fs.promises.rename(part, file);
          const ref = follow.commit(
            () =>
              artifacts().register({
                kind: 'export',
                path: file,
                name,
                mime,
                owner: `job:${ctx.id}`,
                sha256,
              }),
            { detail: (r) => ({ artifactId: r.id, name, sha256, size: r.size, rows, counts, ...signed }) },
          );
          return {
            format: input.format,
            artifactId: ref.id,
            name,
            size: ref.size,
            sha256,
            rows,
            counts,
            ...signed,
            ...companion,
          };
        } catch (err) {
          await fs.promises.rm(part, { force: true });
          await fs.promises.rm(`${part}.zip`, { force: true });
          await fs.promises.rm(this.filesRoot(ctx.id), { recursive: true, force: true });
          if (!follow.ended) {
            const message = err instanceof Error ? err.message : String(err);
            // The engine aborts with a cancel (someone asked) or a shutdown (CallDeck stops).
            const cancelled = (ctx.signal.reason as { kind?: string } | undefined)?.kind === 'cancel';
            if (ctx.signal.aborted && cancelled)
              follow.end('cancelled', { code: 'cancelled', message: 'The export was cancelled' });
            else if (ctx.signal.aborted)
              follow.end('failed', { code: 'interrupted', message: 'CallDeck stopped during this export' });
            else follow.end('failed', { code: err instanceof JobError ? err.code : 'failed', message });
          }
          if (!ctx.signal.aborted) log.info('export did not complete', { id: ctx.id, err });
          throw err;
        }
      },
      summarize: (r) => `${exportCountsText(r.counts)} → ${r.name}`,
      failure: (err) =>
        err instanceof ExportScopeError
          ? { code: 'not_found', message: err.message }
          : err instanceof ExportFormatError
            ? { code: 'unsupported_format', message: err.message }
            : undefined,
      interrupted: (input, reason) => {
        fs.rmSync(this.partFile(input.jobId), { force: true });
        fs.rmSync(this.filesRoot(input.jobId), { recursive: true, force: true });
        trail.endInterrupted(input.audit, reason);
      },
    };
  }
}
