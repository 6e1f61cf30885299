import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_RETENTION,
  RetentionSettingsSchema,
  type RetentionClass,
  type RetentionClassResult,
  type RetentionRunResult,
  type RetentionSettings,
} from '../../../shared/data-care';
import { parseJson } from '../input';
import type { Logger } from '../logging';
import type { AuditTrail } from '../reports';
import type { AuditScope, RetentionRepository, SettingsRepository } from '../store';
import { BACKUPS_DIR } from './data-files';

const SETTINGS_KEY = 'data.retention';
const DAY_MS = 86_400_000;
/** The audit action of each class's deletion (one row per class per run). */
export const RETENTION_ACTION = 'data.retention';

export interface RetentionDeps {
  repo: RetentionRepository;
  settings: SettingsRepository;
  trail: AuditTrail;
  dataDir: string;
  log: Logger;
  now?: () => Date;
}

/**
 * Retention of recordings, transcripts, call records and QA recordings, and a cap on kept
 * backups: each class, when on, deletes what is
 * older than its number of days, never a call still open or one a campaign that may still dial
 * needs. Each class's deletion is one transaction with its own audit row (with counts); recording
 * files are removed after their rows are committed, so a crash in between leaves unreferenced
 * files, never references to missing ones.
 */
export class Retention {
  private readonly now: () => Date;

  constructor(private readonly d: RetentionDeps) {
    this.now = d.now ?? (() => new Date());
  }

  get(): RetentionSettings {
    const text = this.d.settings.get(SETTINGS_KEY);
    if (text === undefined) return DEFAULT_RETENTION;
    const json = parseJson(text);
    // Settings saved before a class existed lack its key: that class is off.
    const stored =
      json.ok && typeof json.value === 'object' ? { ...DEFAULT_RETENTION, ...json.value } : undefined;
    const parsed = stored ? RetentionSettingsSchema.safeParse(stored) : undefined;
    if (parsed?.success) return parsed.data;
    this.d.log.error('stored retention settings are unreadable: retention is off until they are saved again');
    return DEFAULT_RETENTION;
  }

  /** Saves the settings with the action's audit row (one transaction). */
  set(values: RetentionSettings, scope: AuditScope): RetentionSettings {
    scope.commit(() => this.d.settings.set(SETTINGS_KEY, JSON.stringify(values)), {
      detail: () => ({ values }),
    });
    return values;
  }

  /** Applies every class that is on, now; `actor` is who asked (the app's own schedule: 'calldeck'). */
  run(actor: string): RetentionRunResult {
    const at = this.now();
    const settings = this.get();
    const classes: RetentionClassResult[] = [];
    const days: [Exclude<RetentionClass, 'backups'>, number | null][] = [
      ['recordings', settings.recordingsDays],
      ['transcripts', settings.transcriptsDays],
      ['callRecords', settings.callRecordsDays],
      ['qaRecordings', settings.qaRecordingsDays],
    ];
    for (const [cls, n] of days) {
      if (n === null) continue;
      const cutoff = new Date(at.getTime() - n * DAY_MS).toISOString();
      classes.push({ class: cls, days: n, cutoff, counts: this.apply(cls, cutoff, n, actor) });
    }
    const kept = this.capBackups(actor, settings);
    if (kept) classes.push(kept);
    return { at: at.toISOString(), classes };
  }

  /**
   * Keeps the newest `backupsKept` archives in backups/ (one audit row; the files go after it
   * commits). Also run after each backup, so the cap holds between daily runs.
   */
  capBackups(actor: string, settings = this.get()): RetentionClassResult | undefined {
    const keep = settings.backupsKept;
    if (keep === null) return undefined;
    const scope = this.d.trail.open({ actor, action: RETENTION_ACTION, subject: 'backups' });
    let files: string[] = [];
    const counts = scope.commit(
      () => {
        files = this.d.repo.forgetBackupsBeyond(keep);
        return { archives: files.length };
      },
      { detail: (c) => ({ class: 'backups', kept: keep, ...c }) },
    );
    this.removeFiles(files.map((f) => path.join(this.d.dataDir, f)));
    return { class: 'backups', days: null, kept: keep, cutoff: null, counts };
  }

  private apply(
    cls: Exclude<RetentionClass, 'backups'>,
    cutoff: string,
    days: number,
    actor: string,
  ): Record<string, number> {
    const scope = this.d.trail.open({ actor, action: RETENTION_ACTION, subject: cls });
    const detail = (counts: Record<string, number>) => ({ class: cls, days, cutoff, ...counts });
    switch (cls) {
      case 'recordings': {
        let files: string[] = [];
        const counts = scope.commit(
          () => {
            const old = this.d.repo.oldRecordings(cutoff);
            files = old.flatMap((s) => s.files);
            this.d.repo.forgetRecordings(old.map((s) => s.id));
            return { sessions: old.length, files: files.length };
          },
          { detail },
        );
        this.removeFiles(files);
        return counts;
      }
      case 'transcripts':
        return scope.commit(() => this.d.repo.deleteTranscripts(cutoff), { detail });
      case 'callRecords':
        return scope.commit(() => this.d.repo.deleteCallRecords(cutoff), { detail });
      case 'qaRecordings': {
        let files: string[] = [];
        const counts = scope.commit(
          () => {
            const old = this.d.repo.forgetQaRecordings(cutoff);
            files = old.files;
            return { runs: old.runs, files: files.length };
          },
          { detail },
        );
        this.removeFiles(files.map((f) => path.join(this.d.dataDir, f)));
        return counts;
      }
      default: {
        const never: never = cls;
        throw new Error(`internal: unknown retention class ${String(never)}`);
      }
    }
  }

  /** Only files inside the data folder are removed (paths come from our rows; still checked). */
  private removeFiles(files: readonly string[]): void {
    const root = path.resolve(this.d.dataDir);
    const dirs = new Set<string>();
    for (const f of files) {
      const abs = path.resolve(f);
      const rel = path.relative(root, abs);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        this.d.log.warn('retention: a file outside the data folder was not removed', { file: f });
        continue;
      }
      try {
        fs.rmSync(abs, { force: true });
        dirs.add(path.dirname(abs));
      } catch (err) {
        this.d.log.error('retention: a file could not be removed', { file: f, err });
      }
    }
    // A session's folder goes when it is empty (never the data folder's own backups/ or qa/ folders).
    const keepDirs = new Set([BACKUPS_DIR].map((d) => path.join(root, d)));
    for (const dir of dirs)
      if (!keepDirs.has(dir) && fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
}

/** Runs retention at start and then every day while the app runs (each run audited per class). */
export function scheduleRetention(retention: Retention, log: Logger, everyMs = DAY_MS): () => void {
  const tick = () => {
    try {
      const r = retention.run('calldeck');
      if (r.classes.length > 0) log.info('retention applied', { classes: r.classes });
    } catch (err) {
      log.error('retention failed', { err });
    }
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, everyMs);
  timer.unref();
  first.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
