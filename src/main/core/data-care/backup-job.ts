import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BACKUP_JOB_KIND, type BackupResultInfo } from '../../../shared/data-care';
import { STORED_SECRET_NAMES, type StoredSecretName } from '../../../shared/settings';
import type { Artifacts } from '../artifacts';
import { JobError, type JobEngine, type JobKind, type RecordedJob } from '../jobs';
import { JobAuditStartSchema, type AuditTrail } from '../reports';
import type { AuditFollowUp, AuditScope, Db } from '../store';
import { BackupCancelled, writeBackup } from './backup';
import { BACKUPS_DIR } from './data-files';

const BackupJobInput = z
  .object({
    /** The archive's name in the data folder's backups/ (never a path: a restored copy of this row must not reach another folder). */
    file: z.string().regex(/^[\w.-]+\.zip$/),
    audit: JobAuditStartSchema,
  })
  .strict();
type BackupJobInput = z.infer<typeof BackupJobInput>;

export interface BackupJobsDeps {
  db: Db;
  dataDir: string;
  app: { version: string; host: string };
  nativeBinding?: string;
  artifacts: () => Artifacts;
  trail: AuditTrail;
  /** After each backup: keeps backups/ to its cap (retention's backupsKept). */
  afterBackup?: () => void;
  /** The host's secret store (read at backup time only, to seal the secrets under a passphrase). */
  secrets: { get(name: StoredSecretName): string | undefined };
}

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);

/**
 * Backups as jobs: progress is bytes archived; the archive lands in the data folder's backups/
 * and is registered as an artifact (downloaded from the page, copied out by the CLI). One action
 * in two audit rows: its start (before the snapshot, so the backup holds it) and its end.
 */
export class BackupJobs {
  private readonly kind: JobKind<BackupJobInput, BackupResultInfo, AuditFollowUp>;
  /** Passphrases by job id, held in memory until the job takes them: never in the job's stored input. */
  private readonly passphrases = new Map<string, string>();

  constructor(
    private readonly jobs: JobEngine,
    private readonly d: BackupJobsDeps,
  ) {
    this.kind = {
      name: BACKUP_JOB_KIND,
      unit: 'bytes',
      restart: {
        action: 'interrupt',
        reason:
          'This backup did not finish here: CallDeck stopped during it (no archive was kept: back up again), or this folder was restored from it (its snapshot was taken while it ran).',
      },
      input: BackupJobInput,
      run: (input, ctx, audit) => {
        const passphrase = this.passphrases.get(ctx.id);
        this.passphrases.delete(ctx.id);
        return this.run(
          input,
          passphrase,
          ctx.signal,
          (done, total, note) => ctx.progress({ done, total, note }),
          audit,
        );
      },
      summarize: (r) => `${r.files.toLocaleString('en-IN')} files, ${(r.bytes / 1048576).toFixed(1)} MB`,
      failure: (err) =>
        err instanceof BackupCancelled ? { code: 'cancelled', message: err.message } : undefined,
      interrupted: (input, reason) => {
        fs.rmSync(this.out(input.file), { force: true });
        d.trail.endInterrupted(input.audit, reason);
      },
    };
    jobs.register(this.kind);
  }

  private async run(
    input: BackupJobInput,
    passphrase: string | undefined,
    signal: AbortSignal,
    progress: (done: number, total: number, note: string) => void,
    audit: AuditFollowUp | undefined,
  ): Promise<BackupResultInfo> {
    if (!audit) throw new JobError('internal', 'A backup must be started through the Api');
    const out = this.out(input.file);
    try {
      const { manifest, bytes } = await writeBackup({
        db: this.d.db,
        dataDir: this.d.dataDir,
        out,
        app: this.d.app,
        nativeBinding: this.d.nativeBinding,
        sealed: passphrase === undefined ? undefined : { secrets: this.readSecrets(), passphrase },
        signal,
        onProgress: progress,
      });
      const artifact = audit.commit(
        () =>
          this.d.artifacts().register({
            kind: 'export',
            path: out,
            name: input.file,
            mime: 'application/zip',
            owner: 'backup',
          }),
        {
          detail: (a) => ({
            artifactId: a.id,
            file: input.file,
            files: manifest.files.length,
            bytes,
            auditRows: manifest.database.auditRows,
            secretsSealed: passphrase !== undefined,
          }),
        },
      );
      this.d.afterBackup?.();
      return {
        artifact,
        files: manifest.files.length,
        bytes,
        auditRows: manifest.database.auditRows,
        secretsSealed: passphrase !== undefined,
      };
    } catch (err) {
      const cancelled = signal.aborted || err instanceof BackupCancelled;
      audit.end(cancelled ? 'cancelled' : 'failed', {
        code: cancelled ? 'cancelled' : 'backup_failed',
        message: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  }

  private readSecrets(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of STORED_SECRET_NAMES) {
      const value = this.d.secrets.get(name);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  private out(file: string): string {
    return path.join(this.d.dataDir, BACKUPS_DIR, file);
  }

  /**
   * `scope` is the data.backup action's: its start row now (with the job's row), its end row when
   * done. With a passphrase the archive carries the secrets sealed under it (restorable anywhere).
   */
  start(
    scope: AuditScope,
    actor: string,
    opts: { passphrase?: string } = {},
    now = new Date(),
  ): { jobId: string } {
    const jobId = randomUUID();
    if (opts.passphrase !== undefined) this.passphrases.set(jobId, opts.passphrase);
    const file = `calldeck-backup-${stamp(now)}-${jobId.slice(0, 8)}.zip`;
    let recorded: RecordedJob<BackupJobInput, BackupResultInfo, AuditFollowUp> | undefined;
    try {
      const work = scope.begin({ jobId, file, secretsSealed: opts.passphrase !== undefined }, (startSeq) => {
        recorded = this.jobs.record(
          this.kind,
          { file, audit: { startSeq, actor: scope.actor, action: scope.action, subject: scope.subject } },
          { id: jobId, title: 'Back up the data folder', subject: 'data', actor },
        );
      });
      if (!recorded) throw new Error('internal: the backup job was not recorded');
      return { jobId: this.jobs.run(recorded, work).id };
    } catch (err) {
      this.passphrases.delete(jobId);
      throw err;
    }
  }
}
