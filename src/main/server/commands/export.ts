import { Option, type Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { JobInfo } from '../../../shared/jobs';
import {
  EXPORT_FORMATS,
  exportCountsText,
  REPORT_AUDIO,
  type ExportFormat,
  type ReportAudio,
  type ExportResult,
  type ExportScopeInput,
} from '../../../shared/reports';
import type { Core } from '../../core';
import { dataOption } from '../cli-options';
import { call, CliApiError, requireDataFolder, withCliCore } from '../cli-core';
import { checkNewOutFile } from '../cli-out';
import type { RegisterCommands } from './index';

/** Writes the zip's `report` entry to `out` and its `filesDir/…` entries beside `out`. */
async function unpackReport(zipFile: string, out: string, report: string, filesDir: string): Promise<void> {
  const zip = await yauzl.openPromise(zipFile, { lazyEntries: true, strictFileNames: true });
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      const inFolder =
        name.startsWith(`${filesDir}/`) && name.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
      if (name !== report && !inFolder)
        throw new CliApiError(
          'internal',
          `The exported zip holds an unexpected entry: ${name.slice(0, 200)}`,
        );
      const dest = name === report ? out : path.join(path.dirname(out), ...name.split('/'));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      // New files only: nothing already there is overwritten or written through.
      await pipeline(await zip.openReadStreamPromise(entry), fs.createWriteStream(dest, { flags: 'wx' }));
    }
  } finally {
    zip.close();
  }
}

export interface ExportCliOptions {
  campaign?: string;
  qaRun?: string;
  from?: string;
  to?: string;
  format: ExportFormat;
  audio?: ReportAudio;
  out: string;
  data: string;
  json?: boolean;
}

/** The one scope the options name; anything else is a usage error saying what to give. */
export function scopeOf(o: Pick<ExportCliOptions, 'campaign' | 'qaRun' | 'from' | 'to'>): ExportScopeInput {
  const range = o.from !== undefined || o.to !== undefined;
  const given = [o.campaign !== undefined, o.qaRun !== undefined, range].filter(Boolean).length;
  if (given !== 1)
    throw new CliApiError(
      'invalid_request',
      'Give exactly one of --campaign ID, --qa-run ID, or --from DATE --to DATE',
    );
  if (o.campaign !== undefined) return { kind: 'campaign', campaignId: o.campaign };
  if (o.qaRun !== undefined) return { kind: 'qa_run', runId: o.qaRun };
  if (o.from === undefined || o.to === undefined)
    throw new CliApiError('invalid_request', 'A date range needs both --from and --to');
  // Said in the options' own words (the Api would say 'scope.to: the range ends before it starts').
  const [from, to] = [Date.parse(o.from), Date.parse(o.to)];
  if (Number.isFinite(from) && Number.isFinite(to) && to < from)
    throw new CliApiError('invalid_request', `--to ${o.to} is before --from ${o.from}: nothing to export`);
  return { kind: 'range', from: o.from, to: o.to };
}

/**
 * A campaign or QA run that is not there is said before any job starts (the job would be audited
 * as started, then failed with 'Export failed: No campaign …'), with where to find the ids.
 */
async function requireScope(core: Core, scope: ExportScopeInput, data: string): Promise<void> {
  const missing = (what: string, id: string, list: string) => (err: unknown) => {
    if (err instanceof CliApiError && err.code === 'not_found')
      throw new CliApiError('not_found', `No ${what} ${id} in ${data} (${list} shows them)`);
    throw err;
  };
  if (scope.kind === 'campaign')
    await call(core, 'campaigns.get', { campaignId: scope.campaignId }).catch(
      missing('campaign', scope.campaignId, 'calldeck campaign list'),
    );
  else if (scope.kind === 'qa_run')
    await call(core, 'qa.runDetail', { runId: scope.runId }).catch(
      missing('QA run', scope.runId, "the QA page's runs"),
    );
}

/** Waits for the job's end; `progress` gets each update while it runs. */
function jobEnd(
  core: Core,
  jobId: () => string | undefined,
  progress: (job: JobInfo) => void,
): Promise<JobInfo> {
  return new Promise((resolve) => {
    const off = core.subscribe((event, payload) => {
      if (event !== 'job.updated') return;
      const job = payload as JobInfo;
      if (job.id !== jobId()) return;
      if (job.state === 'running') return progress(job);
      off();
      resolve(job);
    });
  });
}

const rows = (n: number) => n.toLocaleString('en-IN');

/**
 * `calldeck export`: the same job as the app's Export button (core.invoke on a headless core, so
 * it is audited the same way), its progress on stderr, and the file copied from its artifact to
 * --out (written beside it, then renamed: a failed export never leaves half a file there).
 */
export async function runExportCommand(
  opts: ExportCliOptions,
  progressLine: (line: string) => void,
): Promise<ExportResult> {
  const scope = scopeOf(opts);
  requireDataFolder(opts.data);
  const out = checkNewOutFile(opts.out, 'export');
  if (opts.format === 'html') {
    // An HTML report may put its recordings in a folder beside --out: a new one, never into (or
    // through links in) a folder already there.
    const folder = path.join(path.dirname(out), `${path.basename(out, path.extname(out))}_files`);
    if (fs.existsSync(folder))
      throw new CliApiError(
        'invalid_request',
        `${folder} already exists: the report's recordings go into a new folder of that name (move it away, or choose another --out)`,
      );
  }
  return withCliCore(opts.data, async (core) => {
    await requireScope(core, scope, path.resolve(opts.data));
    const started: { jobId?: string } = {};
    const ended = jobEnd(
      core,
      () => started.jobId,
      (job) => {
        const { done, total, note } = job.progress;
        progressLine(
          `export: ${rows(done)}${total ? ` of ${rows(total)}` : ''} rows${note ? ` (${note})` : ''}`,
        );
      },
    );
    const { jobId } = await call<{ jobId: string }>(core, 'reports.export', {
      scope,
      format: opts.format,
      ...(opts.audio ? { audio: opts.audio } : {}),
      // The report's recordings folder is named after --out (report.html: report_files/).
      reportName: path.basename(out),
    });
    started.jobId = jobId;
    // The job may already have ended: ask for it too.
    const job = await Promise.race([
      ended,
      call<JobInfo>(core, 'jobs.get', { jobId }).then((j) => (j.state === 'running' ? ended : j)),
    ]);
    if (job.state !== 'succeeded')
      throw new CliApiError(job.error?.code ?? job.state, `Export ${job.state}: ${job.error?.message ?? ''}`);
    const result = job.result as ExportResult;
    const res = await core.serveArtifact({ id: result.artifactId });
    if (res.status !== 200 || !res.body)
      throw new CliApiError('internal', `The exported file cannot be read: ${res.text ?? res.status}`);
    const partial = `${out}.${process.pid}.tmp`;
    try {
      // A new file: never written through a link planted at the scratch name.
      await pipeline(res.body, fs.createWriteStream(partial, { flags: 'wx' }));
      // A report with its recordings' folder comes as one zip: unpacked, the report goes to --out
      // and the folder beside it under the name the report links to.
      if (result.filesDir && result.report) await unpackReport(partial, out, result.report, result.filesDir);
      else fs.renameSync(partial, out);
    } finally {
      fs.rmSync(partial, { force: true });
    }
    return result;
  });
}

export const registerExportCommands: RegisterCommands = (program: Command) => {
  dataOption(program.command('export'))
    .description(
      'export a campaign, a QA run or a date range of calls (xlsx, csv = a zip of one CSV per sheet, html, pdf, bundle)',
    )
    .option('--campaign <id>', "a campaign's calls")
    .option('--qa-run <id>', "a QA run's verdicts and turns")
    .option('--from <date>', 'calls placed from this date (YYYY-MM-DD, UTC) or ISO time')
    .option('--to <date>', 'to this date (the whole day) or ISO time (excluded)')
    .addOption(new Option('--format <format>', 'what to write').choices(EXPORT_FORMATS).makeOptionMandatory())
    .addOption(
      new Option(
        '--audio <mode>',
        'html: recordings embedded (up to 64 MB, the rest in a folder) or all in a folder beside --out',
      ).choices(REPORT_AUDIO),
    )
    .requiredOption('--out <file>', 'the file to write')
    .option('--json', 'print the result as JSON')
    .action(async (opts: ExportCliOptions) => {
      let last = 0;
      const r = await runExportCommand(opts, (line) => {
        // One line, rewritten in place, at most 10 times a second.
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        process.stderr.write(`\r${line.padEnd(60)}`);
      }).catch((err: unknown) => {
        // Ends the progress line, so the error is printed on a line of its own.
        if (last !== 0) process.stderr.write('\n');
        throw err;
      });
      // The job's last updates come faster than the line is redrawn: it ends saying so, not on the
      // last count drawn ('export: 0 of 48 rows' read as stuck); the counts follow on stdout.
      process.stderr.write(`\r${`export: done, ${rows(r.rows)} rows`.padEnd(60)}\n`);
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else
        process.stdout.write(
          `Exported ${exportCountsText(r.counts)} (${rows(r.rows)} rows) to ${path.resolve(opts.out)} (SHA-256 ${r.sha256}${r.filesDir ? ' of the exported zip of the report and its recordings' : ''})` +
            (r.filesDir
              ? `; recordings in ${path.join(path.dirname(path.resolve(opts.out)), r.filesDir)}`
              : '') +
            // An audit bundle: the key to give the auditor, with the command that checks it.
            (r.signingKey
              ? `\nSigned by key ${r.signingKey}; check it with: calldeck audit verify-bundle ${path.resolve(opts.out)} --key ${r.signingKey}`
              : '') +
            '\n',
        );
    });
};
