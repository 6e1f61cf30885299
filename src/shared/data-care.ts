import { z } from 'zod';
import type { ArtifactRef } from './artifacts';

/** Care of the data folder: backups, retention, wipe (as the Api and the CLI expose them). */

/** A finished backup job's result. */
export interface BackupResultInfo {
  /** The archive, to download (it stays in the data folder's backups/ until removed). */
  artifact: ArtifactRef;
  files: number;
  bytes: number;
  /** Audit rows in the database snapshot. */
  auditRows: number;
  /** The secrets travel sealed under the backup's passphrase (restorable on any host). */
  secretsSealed: boolean;
}

/** Shortest passphrase a backup's secrets are sealed under. */
export const BACKUP_PASSPHRASE_MIN = 10;

/** The job kind of a backup: the page finds a backup still running after a reload by it. */
export const BACKUP_JOB_KIND = 'data.backup';

/**
 * A backup request. With a passphrase the archive carries the host's secrets sealed under it, so
 * any host restores it (the desktop app's keychain-bound secrets otherwise restore only there).
 */
export const BackupRequestSchema = z
  .object({
    passphrase: z
      .string()
      .refine((p) => [...p].length >= BACKUP_PASSPHRASE_MIN, `At least ${BACKUP_PASSPHRASE_MIN} characters`)
      .refine((p) => [...p].length <= 1024, 'At most 1,024 characters')
      .optional(),
  })
  .strict();
export type BackupRequest = z.infer<typeof BackupRequestSchema>;

/** Days to keep a class of data; null keeps it for ever (the default). */
const Days = z
  .number()
  .int('Whole days')
  .min(1, 'At least 1 day')
  .max(36500, 'At most 36,500 days')
  .nullable();

/** Retention: what is older than N days is deleted, class by class (each off by default). */
export const RetentionSettingsSchema = z
  .object({
    /** Call recordings (WAV files of voicebot sessions). */
    recordingsDays: Days,
    /** Transcript lines of voicebot sessions. */
    transcriptsDays: Days,
    /** Call records: attempts, their events and their campaign rows. */
    callRecordsDays: Days,
    /** QA runs' recordings (each scenario run's caller and bot WAV); verdicts and turns stay. */
    qaRecordingsDays: Days,
    /** Backup archives kept in the data folder's backups/: the newest N (null: all). */
    backupsKept: z.number().int('A whole number').min(1, 'At least 1').max(1000, 'At most 1,000').nullable(),
  })
  .strict();
export type RetentionSettings = z.infer<typeof RetentionSettingsSchema>;

export const DEFAULT_RETENTION: RetentionSettings = {
  recordingsDays: null,
  transcriptsDays: null,
  callRecordsDays: null,
  qaRecordingsDays: null,
  backupsKept: null,
};

export const RETENTION_CLASSES = [
  'recordings',
  'transcripts',
  'callRecords',
  'qaRecordings',
  'backups',
] as const;
export type RetentionClass = (typeof RETENTION_CLASSES)[number];

/** What one class's run deleted (its audit row carries the same). */
export interface RetentionClassResult {
  class: RetentionClass;
  /** Days kept (null for backups, which keep a count). */
  days: number | null;
  /** Backups: how many of the newest are kept. */
  kept?: number;
  /** Everything created before this instant (and not protected) was eligible; null for backups. */
  cutoff: string | null;
  /**
   * Recordings: sessions and files; transcripts: sessions and lines; call records: calls and
   * events; QA recordings: runs and files; backups: archives.
   */
  counts: Record<string, number>;
}

export interface RetentionRunResult {
  at: string;
  /** Only the classes that are on. */
  classes: RetentionClassResult[];
}

/** The word typed to confirm a wipe (in the page, after a first confirmation; the CLI's flag sends it). */
export const WIPE_WORD = 'WIPE';
export const WipeRequestSchema = z
  .object({ confirm: z.literal(WIPE_WORD, { error: `Type ${WIPE_WORD} to confirm` }) })
  .strict();

export interface WipeResult {
  /** Rows deleted per table. */
  rows: Record<string, number>;
  /** Files and folders removed (relative to the data folder). */
  removed: string[];
  /** What a wipe keeps, in words. */
  kept: string[];
}

/** A backup archive kept in the data folder's backups/, by its artifact id. */
export const RemoveBackupSchema = z
  .object({ artifactId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) })
  .strict();

/** The job kind of a restore (Settings › Data follows it by this). */
export const RESTORE_JOB_KIND = 'data.restore';

/** An absolute path on the host: `/…` (POSIX), `C:\…` or `\\server\…` (Windows). */
const AbsolutePath = z
  .string()
  .trim()
  .min(1, 'Type the path of a new, empty folder')
  .max(4096, 'At most 4,096 characters')
  .refine(
    (p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p),
    'A full path, from the root (e.g. /home/me/calldeck-restored)',
  )
  .refine((p) => !p.includes('\0'), 'The path holds a NUL character');

/**
 * A restore of a backup archive into a new, empty folder on the computer CallDeck runs on: an
 * archive uploaded (a staged file) or one of this install's own backups (its artifact).
 */
export const RestoreRequestSchema = z
  .object({
    archive: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('upload'), fileId: z.uuid() }).strict(),
      z.object({ kind: z.literal('backup'), artifactId: z.uuid() }).strict(),
    ]),
    target: AbsolutePath,
    /** The passphrase the backup was made with (sealed backups only). */
    passphrase: z.string().min(1).max(1024).optional(),
  })
  .strict();
export type RestoreRequest = z.infer<typeof RestoreRequestSchema>;

/** Campaigns of a restored copy: paused (running at backup time) and still scheduled. */
export interface RestoredCampaigns {
  pausedCampaigns: { id: string; name: string }[];
  scheduledCampaigns: { id: string; name: string; startAt: string | null }[];
}

/** A finished restore job's result. */
export interface RestoreResultInfo extends RestoredCampaigns {
  /** The archive's name and the folder it was restored into. */
  archive: string;
  target: string;
  files: number;
  bytes: number;
  /** Audit rows verified in the restored copy. */
  auditRows: number;
  /** How to open the restored copy (the commands the CLI prints). */
  open: { serve: string; desktop: string };
}

/** How to open a restored copy: the words the CLI prints and the page shows. */
export function howToOpenRestored(target: string): RestoreResultInfo['open'] {
  const arg = /^[\w@%+=:,./\\-]+$/.test(target) ? target : `'${target.replace(/'/g, `'\\''`)}'`;
  return { serve: `calldeck serve --data ${arg}`, desktop: `CALLDECK_DATA=${arg}` };
}
