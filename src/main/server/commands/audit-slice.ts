import { InvalidArgumentError, type Command } from 'commander';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AuditListSchema } from '../../../shared/api/contract';
import type { ArtifactRef } from '../../../shared/artifacts';
import { readAuditPage } from '../../core';
import { auditRowView, type AuditPage } from '../../../shared/audit';
import { auditSummary } from '../../../shared/audit-summary';
import { dataOption } from '../cli-options';
import { call, CliApiError, requireDataFolder, withCliCore } from '../cli-core';
import { checkNewOutFile } from '../cli-out';

/**
 * `calldeck audit list` and `calldeck audit export`: the Audit page's filters, its sentences and
 * its CSV export of the filtered slice, from the command line (the same Api calls: the list is a
 * query, the export is audited like the page's Export CSV).
 */

export interface AuditSliceOptions {
  actor?: string;
  action?: string;
  subject?: string;
  from?: string;
  to?: string;
  data: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day (YYYY-MM-DD, UTC) or an ISO time; a day given as --to includes that whole day. */
function instant(value: string | undefined, end: boolean): string | undefined {
  if (value === undefined || !DAY.test(value)) return value;
  const t = Date.parse(`${value}T00:00:00Z`);
  if (!Number.isFinite(t)) return value; // the Api's schema names it
  return new Date(end ? t + 86_400_000 : t).toISOString();
}

/** The Api's filter from the options: only those given, dates as instants. */
export function auditFilterOf(o: AuditSliceOptions): Record<string, string> {
  const filter: Record<string, string | undefined> = {
    actor: o.actor,
    action: o.action,
    subject: o.subject,
    from: instant(o.from, false),
    to: instant(o.to, true),
  };
  return Object.fromEntries(Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * Read-only, as `audit verify`: no core is started (starting one anchors a missing head file again,
 * writing a row), so listing a folder under investigation leaves it exactly as it was.
 */
export function runAuditListCommand(o: AuditSliceOptions & { limit: number }): AuditPage {
  requireDataFolder(o.data);
  const request = AuditListSchema.safeParse({ ...auditFilterOf(o), limit: o.limit });
  if (!request.success) {
    const issue = request.error.issues[0];
    throw new CliApiError(
      'invalid_request',
      `audit.list: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return readAuditPage(path.resolve(o.data), request.data);
}

/** One line per row, as the Audit page reads it: seq, time, actor, action, outcome, sentence. */
export function auditListLines(page: AuditPage): string[] {
  const ctx = { labels: page.labels, starts: page.starts };
  return page.entries.map((e) =>
    [`#${e.seq}`, e.at, e.actor, e.action, auditRowView(e.payload).outcome, auditSummary(e, ctx)].join('  '),
  );
}

export async function runAuditExportCommand(
  o: AuditSliceOptions & { out: string },
): Promise<{ rows: number; out: string; sha256: string }> {
  requireDataFolder(o.data);
  const out = checkNewOutFile(o.out, 'audit export');
  return withCliCore(o.data, async (core) => {
    const r = await call<{ rows: number; artifact: ArtifactRef }>(core, 'audit.exportCsv', auditFilterOf(o));
    const res = await core.serveArtifact({ id: r.artifact.id });
    if (res.status !== 200 || !res.body)
      throw new CliApiError('internal', `The exported file cannot be read: ${res.text ?? res.status}`);
    const partial = `${out}.${process.pid}.tmp`;
    try {
      // Phone numbers and who did what: readable by this user only, as backups and the data folder;
      // a new file, never through a link planted at the scratch name.
      await pipeline(res.body, fs.createWriteStream(partial, { mode: 0o600, flags: 'wx' }));
      fs.renameSync(partial, out);
    } finally {
      fs.rmSync(partial, { force: true });
    }
    const hash = createHash('sha256');
    await pipeline(fs.createReadStream(out), hash);
    return { rows: r.rows, out, sha256: hash.digest('hex') };
  });
}

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidArgumentError('a number from 1 to 500');
  return n;
};

const filterOptions = (cmd: Command) =>
  dataOption(cmd)
    .option('--actor <name>', 'only rows by this actor')
    .option('--action <action>', 'only this action (e.g. reports.export)')
    .option('--subject <prefix>', 'only subjects starting with this (e.g. campaign:)')
    .option('--from <date>', 'from this day (YYYY-MM-DD, UTC) or ISO time')
    .option('--to <date>', 'to this day (included) or ISO time (excluded)');

export function registerAuditSlice(audit: Command): void {
  filterOptions(audit.command('list'))
    .description('the audit log newest first, each row as a sentence; filtered like the Audit page')
    .option('--limit <n>', 'rows to show (1-500)', positive, 50)
    .option('--json', 'print the rows as JSON')
    .action((opts: AuditSliceOptions & { limit: number; json?: boolean }) => {
      const page = runAuditListCommand(opts);
      if (opts.json) process.stdout.write(JSON.stringify(page) + '\n');
      else {
        for (const line of auditListLines(page)) process.stdout.write(line + '\n');
        process.stdout.write(
          `${page.entries.length} of ${page.total} matching ${page.total === 1 ? 'row' : 'rows'}\n`,
        );
      }
    });

  filterOptions(audit.command('export'))
    .description('write the filtered rows to a CSV file (sentence and raw payload per row), audited')
    .requiredOption('--out <file>', 'the CSV file to write (a new file)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: AuditSliceOptions & { out: string; json?: boolean }) => {
      const r = await runAuditExportCommand(opts);
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else
        process.stdout.write(
          `Exported ${r.rows} audit ${r.rows === 1 ? 'row' : 'rows'} to ${r.out} (SHA-256 ${r.sha256})\n`,
        );
    });
}
