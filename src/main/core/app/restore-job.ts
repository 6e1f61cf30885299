import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '../../../shared/api/errors';
import {
  howToOpenRestored,
  RESTORE_JOB_KIND,
  type RestoreRequest,
  type RestoreResultInfo,
} from '../../../shared/data-care';
import type { Artifacts } from '../artifacts';
import {
  checkRestoreTarget,
  refuseInside,
  RestoreError,
  sweepRestoreLeftovers,
  type Manifest,
} from '../data-care';
import { StagingError, type StagedFiles } from '../files';
import { JobError, type JobEngine, type JobKind, type RecordedJob } from '../jobs';
import { JobAuditStartSchema, type AuditTrail } from '../reports';
import type { AuditFollowUp, AuditScope } from '../store';
import type { Core } from './create-core';
import { restoreCopy } from './restore-copy';

/**
 * How the host keeps secrets in a restored folder: the same functions `calldeck restore` uses
 * (the headless host: the folder's 0600 secrets.json), and a core opened on the copy.
 */
export interface RestoreHost {
  auditKey: (restoredDir: string, manifest: Manifest) => string | undefined;
  installSecrets: (restoredDir: string, secrets: Record<string, string>) => void;
  openCore: (dataDir: string) => Promise<Core>;
}

const RestoreJobInput = z
  .object({
    /** The archive's path: an upload (staged, released at the end) or a backup in this folder. */
    file: z.string(),
    name: z.string(),
    fileId: z.string().optional(),
    target: z.string(),
    audit: JobAuditStartSchema,
  })
  .strict();
type RestoreJobInput = z.infer<typeof RestoreJobInput>;

export interface RestoreJobsDeps {
  dataDir: string;
  files: StagedFiles;
  artifacts: () => Artifacts;
  trail: AuditTrail;
  /** Undefined where the host has no way to keep a restored copy's secrets. */
  host: RestoreHost | undefined;
}

/**
 * Restores as jobs (Settings › Data): what `calldeck restore` does (`restoreCopy`), with progress
 * in archive entries and cancel. Audited in this install's log: the start (which archive, where)
 * and the end (what the copy holds, or why it was refused).
 */
export class RestoreJobs {
  private readonly kind: JobKind<RestoreJobInput, RestoreResultInfo, AuditFollowUp>;
  /** Passphrases by job id, held in memory until the job takes them: never in the job's stored input. */
  private readonly passphrases = new Map<string, string>();

  constructor(
    private readonly jobs: JobEngine,
    private readonly d: RestoreJobsDeps,
  ) {
    this.kind = {
      name: RESTORE_JOB_KIND,
      unit: 'files',
      restart: {
        action: 'interrupt',
        reason:
          'This restore did not finish: CallDeck stopped during it (nothing was restored: restore again).',
      },
      input: RestoreJobInput,
      run: async (input, ctx, audit) => {
        const passphrase = this.passphrases.get(ctx.id);
        this.passphrases.delete(ctx.id);
        try {
          return await this.run(
            input,
            passphrase,
            ctx.signal,
            (done, total) => ctx.progress({ done, total }),
            audit,
          );
        } finally {
          if (input.fileId) d.files.release(input.fileId);
        }
      },
      summarize: (r) => `${r.files.toLocaleString('en-IN')} files restored into ${r.target}`,
      failure: (err) => (err instanceof RestoreError ? { code: err.code, message: err.message } : undefined),
      interrupted: (input, reason) => {
        // The process died midway: its hidden staging folder beside the target goes too.
        sweepRestoreLeftovers(input.target);
        d.trail.endInterrupted(input.audit, reason);
      },
    };
    jobs.register(this.kind);
  }

  private async run(
    input: RestoreJobInput,
    passphrase: string | undefined,
    signal: AbortSignal,
    progress: (done: number, total: number) => void,
    audit: AuditFollowUp | undefined,
  ): Promise<RestoreResultInfo> {
    const host = this.d.host;
    if (!audit || !host) throw new JobError('internal', 'A restore must be started through the Api');
    try {
      const r = await restoreCopy(
        {
          file: input.file,
          target: input.target,
          passphrase,
          auditKey: host.auditKey,
          installSecrets: host.installSecrets,
          signal,
          onProgress: progress,
          outside: this.d.dataDir,
          actor: input.audit.actor,
        },
        host.openCore,
      );
      const result: RestoreResultInfo = {
        archive: input.name,
        target: input.target,
        files: r.files,
        bytes: r.bytes,
        auditRows: r.audit.rows,
        pausedCampaigns: r.pausedCampaigns,
        scheduledCampaigns: r.scheduledCampaigns,
        open: howToOpenRestored(input.target),
      };
      audit.commit(() => undefined, {
        detail: () => ({
          archive: input.name,
          target: input.target,
          backupCreatedAt: r.manifest.createdAt,
          files: r.files,
          auditRowsVerified: r.audit.rows,
          pausedCampaigns: r.pausedCampaigns.map((c) => c.id),
        }),
      });
      return result;
    } catch (err) {
      const cancelled = signal.aborted || (err instanceof RestoreError && err.code === 'cancelled');
      audit.end(cancelled ? 'cancelled' : 'failed', {
        code: err instanceof RestoreError ? err.code : 'restore_failed',
        message: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  }

  /** The archive's path and name: an upload, or one of this folder's backups. */
  private archive(req: RestoreRequest['archive']): { file: string; name: string; fileId?: string } {
    switch (req.kind) {
      case 'upload': {
        let f: ReturnType<StagedFiles['resolve']>;
        try {
          f = this.d.files.resolve(req.fileId);
        } catch (err) {
          if (err instanceof StagingError) throw new ApiError({ code: 'not_found', message: err.message });
          throw err;
        }
        return { file: f.path, name: f.name, fileId: f.id };
      }
      case 'backup': {
        const row = this.d.artifacts().get(req.artifactId);
        const file = row?.owner === 'backup' ? this.d.artifacts().filePath(row) : undefined;
        if (!row || !file || !fs.existsSync(file))
          throw new ApiError({
            code: 'not_found',
            message: `No backup ${req.artifactId} in this data folder (copied out, or removed): upload the archive instead`,
          });
        return { file, name: row.name };
      }
      default: {
        const never: never = req;
        throw new Error(`unknown archive ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Refuses at once (on the form) a target inside this data folder, not empty or not writable;
   * then starts the job. `scope` is the data.restore action's: its start row now, its end when done.
   */
  start(scope: AuditScope, actor: string, req: RestoreRequest): { jobId: string } {
    try {
      return this.begin(scope, actor, req);
    } catch (err) {
      // Refused before a job took it: the page uploads the archive again with each try, so a
      // refused upload is released now (a job releases its own when it ends).
      if (req.archive.kind === 'upload') this.d.files.release(req.archive.fileId);
      throw err;
    }
  }

  private begin(scope: AuditScope, actor: string, req: RestoreRequest): { jobId: string } {
    if (!this.d.host)
      throw new ApiError({
        code: 'unavailable',
        message: 'This app cannot restore here: use calldeck restore ARCHIVE --data NEW_FOLDER',
      });
    const target = path.resolve(req.target);
    const refuse = (message: string) =>
      new ApiError({ code: 'invalid_request', message, issues: [{ path: 'target', message }] });
    try {
      refuseInside(target, this.d.dataDir);
      checkRestoreTarget(target);
    } catch (err) {
      if (err instanceof RestoreError) throw refuse(err.message);
      throw err;
    }
    const archive = this.archive(req.archive);
    const jobId = randomUUID();
    if (req.passphrase !== undefined) this.passphrases.set(jobId, req.passphrase);
    let recorded: RecordedJob<RestoreJobInput, RestoreResultInfo, AuditFollowUp> | undefined;
    try {
      const work = scope.begin({ jobId, archive: archive.name, target }, (startSeq) => {
        recorded = this.jobs.record(
          this.kind,
          {
            ...archive,
            target,
            audit: { startSeq, actor: scope.actor, action: scope.action, subject: scope.subject },
          },
          { id: jobId, title: `Restore ${archive.name}`, subject: 'data', actor },
        );
      });
      if (!recorded) throw new Error('internal: the restore job was not recorded');
      return { jobId: this.jobs.run(recorded, work).id };
    } catch (err) {
      this.passphrases.delete(jobId);
      throw err;
    }
  }
}
