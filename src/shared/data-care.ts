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
