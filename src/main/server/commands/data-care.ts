import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  howToOpenRestored,
  WIPE_WORD,
  type BackupResultInfo,
  type RetentionRunResult,
  type RetentionSettings,
  type WipeResult,
} from '../../../shared/data-care';
import type { JobInfo } from '../../../shared/jobs';
import { restoreCopy, RestoreError, type Core, type RestoreCopyResult } from '../../core';
import { dataOption } from '../cli-options';
import { call, CliApiError, requireDataFolder, startCliCore, withCliCore } from '../cli-core';
import { checkNewOutFile } from '../cli-out';
import { fileRestoreSecrets } from '../file-restore-secrets';
import type { RegisterCommands } from './index';

/**
 * `calldeck backup`, `calldeck restore`: care of a data folder from the command line. The backup
 * runs as the app runs it (core.invoke, a job, audited) and may be taken while the app or a
 * campaign runs on the folder; restore builds a new folder and verifies it before any core opens it.
 */

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** Waits for a job's end, writing its progress to stderr. */
function jobEnd(core: Core, jobId: () => string | undefined, progress: boolean): Promise<JobInfo> {
  return new Promise((resolve) => {
    const off = core.subscribe((event, payload) => {
      if (event !== 'job.updated') return;
      const job = payload as JobInfo;
      if (job.id !== jobId()) return;
      if (progress && job.state === 'running' && job.progress.total)
        process.stderr.write(
          `\rbackup: ${mb(job.progress.done)} of ${mb(job.progress.total)} ${(job.progress.note ?? '').slice(0, 40).padEnd(40)}`,
        );
      if (job.state === 'running') return;
      if (progress) process.stderr.write('\n');
      off();
      resolve(job);
    });
  });
}

/** A passphrase from a file (`-`: standard input), without its final line break. */
export function readPassphraseFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : path.resolve(file), 'utf8');
  } catch (err) {
    // Refused in the option's words, before any work (it was Node's bare ENOENT).
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : code === 'EACCES'
            ? 'cannot be read (permission denied)'
            : `cannot be read: ${(err as Error).message}`;
    throw new CliApiError('invalid_request', `--passphrase-file ${file}: ${why}`);
  }
  return text.replace(/\r?\n$/, '');
}

export async function runBackupCommand(opts: {
  out: string;
  data: string;
  json?: boolean;
  /** Seals the secrets under it: the archive then restores on any host. */
  passphrase?: string;
}): Promise<BackupResultInfo> {
  requireDataFolder(opts.data);
  const out = checkNewOutFile(opts.out, 'backup');
  return withCliCore(opts.data, async (core) => {
    const started: { jobId?: string } = {};
    const ended = jobEnd(core, () => started.jobId, !opts.json);
    const { jobId } = await call<{ jobId: string }>(
      core,
      'data.backup',
      opts.passphrase === undefined ? {} : { passphrase: opts.passphrase },
    );
    started.jobId = jobId;
    // The job may already have ended: ask for it too.
    const job = await Promise.race([
      ended,
      call<JobInfo>(core, 'jobs.get', { jobId }).then((j) => (j.state === 'running' ? ended : j)),
    ]);
    if (job.state !== 'succeeded')
      throw new CliApiError(job.error?.code ?? job.state, `Backup ${job.state}: ${job.error?.message ?? ''}`);
    const result = job.result as BackupResultInfo;
    const res = await core.serveArtifact({ id: result.artifact.id });
    if (res.status !== 200 || !res.body)
      throw new CliApiError('internal', `The backup archive cannot be read: ${res.text ?? res.status}`);
    const partial = `${out}.${process.pid}.tmp`;
    // A new file: never written through a link planted at the scratch name.
    await pipeline(res.body, fs.createWriteStream(partial, { mode: 0o600, flags: 'wx' }));
    fs.renameSync(partial, out);
    // Copied out: the data folder's copy would only double the disk it takes.
    await call(core, 'data.removeBackup', { artifactId: result.artifact.id });
    return result;
  });
}

/** A restore and the restored copy's campaigns: paused (running at backup time), or still scheduled. */
export type RestoreCommandResult = RestoreCopyResult;

export function runRestoreCommand(
  file: string,
  opts: { data: string; passphrase?: string },
): Promise<RestoreCommandResult> {
  return restoreCopy(
    {
      file: path.resolve(file),
      target: path.resolve(opts.data),
      passphrase: opts.passphrase,
      ...fileRestoreSecrets,
    },
    (dir) => startCliCore(dir),
  );
}

/** Applies the data folder's retention settings now, audited (one row per class that is on). */
export async function runRetentionCommand(opts: { data: string }): Promise<RetentionRunResult> {
  requireDataFolder(opts.data);
  return withCliCore(opts.data, (core) => call<RetentionRunResult>(core, 'data.runRetention', {}));
}

export interface RetentionSetOptions {
  recordingsDays?: string;
  transcriptsDays?: string;
  callRecordsDays?: string;
  qaRecordingsDays?: string;
  backupsKept?: string;
}

/** Changes the given classes ("off" or a number, checked by the Api's schema), audited; returns the settings. */
export async function runRetentionSetCommand(
  opts: RetentionSetOptions & { data: string },
): Promise<RetentionSettings> {
  requireDataFolder(opts.data);
  return withCliCore(opts.data, async (core) => {
    const current = await call<RetentionSettings>(core, 'data.retention', {});
    const next: Record<string, unknown> = { ...current };
    for (const key of Object.keys(current) as (keyof RetentionSettings)[]) {
      const given = opts[key];
      if (given === undefined) continue;
      const text = given.trim().toLowerCase();
      if (text !== 'off' && !/^\d+$/.test(text))
        throw new CliApiError(
          'invalid_request',
          `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: "${given.slice(0, 40)}" is not a whole number (or "off")`,
        );
      next[key] = text === 'off' ? null : Number(text);
    }
    return call<RetentionSettings>(core, 'data.setRetention', next);
  });
}

/** Wipes a data folder's data (audited first); refused unless `yesIMeanIt` (the command's explicit flag). */
export async function runWipeCommand(opts: { data: string; yesIMeanIt?: boolean }): Promise<WipeResult> {
  requireDataFolder(opts.data);
  if (!opts.yesIMeanIt)
    throw new CliApiError(
      'invalid_request',
      `This deletes every contact, call, campaign, recording, QA run and backup in ${path.resolve(opts.data)}. Run it again with --yes-i-mean-it to confirm.`,
    );
  return withCliCore(opts.data, (core) => call<WipeResult>(core, 'data.wipe', { confirm: WIPE_WORD }));
}

export const registerDataCareCommands: RegisterCommands = (program: Command) => {
  dataOption(program.command('wipe'))
    .description(
      'delete the data (contacts, calls, campaigns, recordings, QA runs, backups); the audit log, settings, secrets and the DNC register stay',
    )
    .option('--yes-i-mean-it', 'confirm: without it nothing is deleted')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { data: string; yesIMeanIt?: boolean; json?: boolean }) => {
      const r = await runWipeCommand(opts);
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else {
        const rows = Object.values(r.rows).reduce((a, b) => a + b, 0);
        process.stdout.write(
          `Wiped: ${rows} rows, folders ${r.removed.join(', ') || 'none'}. Kept: ${r.kept.join('; ')}\n`,
        );
      }
    });

  const retention = program
    .command('retention')
    .description("delete what is older than each class's days (Settings › Data)");
  dataOption(retention.command('run'))
    .description('apply the retention settings now (the app applies them at start and daily)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { data: string; json?: boolean }) => {
      const r = await runRetentionCommand(opts);
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else if (r.classes.length === 0)
        process.stdout.write('Retention is off for every class: nothing deleted\n');
      else
        for (const c of r.classes)
          process.stdout.write(
            `${c.class}: ${c.days === null ? `the newest ${c.kept ?? 0} kept` : `older than ${c.days} ${c.days === 1 ? 'day' : 'days'} (before ${c.cutoff ?? ''})`}: ${Object.entries(
              c.counts,
            )
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')} deleted\n`,
          );
    });

  dataOption(retention.command('set'))
    .description('change the retention settings (a number, or "off"); classes not given keep their setting')
    .option('--recordings-days <n>', 'call recordings: days kept')
    .option('--transcripts-days <n>', 'transcripts: days kept')
    .option('--call-records-days <n>', 'call records: days kept')
    .option('--qa-recordings-days <n>', "QA runs' recordings: days kept")
    .option('--backups-kept <n>', 'backup archives kept in the data folder: the newest N')
    .option('--json', 'print the settings as JSON')
    .action(async (opts: RetentionSetOptions & { data: string; json?: boolean }) => {
      const r = await runRetentionSetCommand(opts);
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else
        process.stdout.write(
          Object.entries(r)
            .map(([k, v]) => `${k}: ${v === null ? 'off' : v}`)
            .join('\n') + '\n',
        );
    });

  dataOption(program.command('backup'))
    .description(
      'back up the data folder (database snapshot, recordings, audit head, secrets) into one zip; safe while CallDeck runs',
    )
    .requiredOption('--out <file>', 'the archive to write (a new file)')
    .option(
      '--passphrase-file <file>',
      'seal the secrets under the passphrase in this file (- reads standard input): the backup then restores on any host, with the same passphrase',
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: { out: string; data: string; json?: boolean; passphraseFile?: string }) => {
      const passphrase = opts.passphraseFile ? readPassphraseFile(opts.passphraseFile) : undefined;
      const r = await runBackupCommand({ ...opts, passphrase });
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else
        process.stdout.write(
          `Backup written to ${path.resolve(opts.out)}: ${r.files} files, ${mb(r.bytes)}, ${r.auditRows} audit rows\n` +
            (r.secretsSealed
              ? 'Its secrets (the audit key among them) are sealed under your passphrase: without it the backup cannot be restored.\n'
              : 'It holds the secret file of the data folder (the audit key among them): keep it as private as the folder.\n'),
        );
    });

  program
    .command('restore <file>')
    .description(
      'restore a backup into a NEW or EMPTY data folder, verified first (file hashes, SQLite integrity, audit chain)',
    )
    .requiredOption('--data <dir>', 'the data folder to create (absent or empty)')
    .option(
      '--passphrase-file <file>',
      'the passphrase the backup was made with, in a file (- reads standard input)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { data: string; json?: boolean; passphraseFile?: string }) => {
      try {
        const passphrase = opts.passphraseFile ? readPassphraseFile(opts.passphraseFile) : undefined;
        const r = await runRestoreCommand(file, { data: opts.data, passphrase });
        const open = howToOpenRestored(path.resolve(opts.data));
        if (opts.json)
          process.stdout.write(
            JSON.stringify({
              ok: true,
              files: r.files,
              bytes: r.bytes,
              audit: r.audit,
              pausedCampaigns: r.pausedCampaigns,
              scheduledCampaigns: r.scheduledCampaigns,
            }) + '\n',
          );
        else
          process.stdout.write(
            `Restored ${r.files} files (${mb(r.bytes)}) into ${path.resolve(opts.data)}: database intact, audit log verified (${r.audit.rows} rows)\n` +
              `Open it: ${open.serve}, or the desktop app with ${open.desktop} set.\n` +
              r.pausedCampaigns
                .map(
                  (c) =>
                    `Paused campaign ${c.name} (${c.id}): it was running when the backup was taken. Resume it (calldeck campaign resume ${c.id}) only if this copy should dial, not the original.\n`,
                )
                .join('') +
              r.scheduledCampaigns
                .map(
                  (c) =>
                    `Campaign ${c.name} (${c.id}) is scheduled${c.startAt ? ` for ${c.startAt}` : ''}: CallDeck started on this copy will dial it then. Cancel it here (calldeck campaign cancel ${c.id}) if the original should dial it.\n`,
                )
                .join(''),
          );
      } catch (err) {
        if (!(err instanceof RestoreError)) throw err;
        if (opts.json)
          process.stdout.write(JSON.stringify({ ok: false, code: err.code, message: err.message }) + '\n');
        else process.stderr.write(`Not restored: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
};
