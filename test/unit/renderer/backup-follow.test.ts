import { describe, expect, it } from 'vitest';
import { backupToFollow } from '../../../src/renderer/src/components/settings/backup-follow';
import { BACKUP_JOB_KIND } from '../../../src/shared/data-care';
import type { JobInfo } from '../../../src/shared/jobs';

const job = (id: string, state: JobInfo['state'], startedAt: string, kind = BACKUP_JOB_KIND): JobInfo => ({
  id,
  kind,
  title: id,
  subject: null,
  actor: 'tester',
  state,
  progress: { done: 0, total: null, unit: 'bytes', etaMs: null, note: null },
  summary: null,
  result: null,
  error: null,
  startedAt,
  updatedAt: startedAt,
  finishedAt: state === 'running' ? null : startedAt,
  resumes: 0,
});

const OPENED = '2026-11-26T10:00:00.000Z';
const before = job('old', 'succeeded', '2026-11-26T09:00:00.000Z');
const shown = job('shown', 'succeeded', '2026-11-26T10:01:00.000Z');

describe('which backup the Backup card follows', () => {
  it('one running elsewhere, unless its own still runs', () => {
    const other = job('cli', 'running', '2026-11-26T10:02:00.000Z');
    expect(backupToFollow({ running: [other], recent: [] }, undefined, OPENED)).toBe(other);
    expect(backupToFollow({ running: [other], recent: [shown] }, shown, OPENED)).toBe(other);
    const mine = job('mine', 'running', '2026-11-26T10:01:30.000Z');
    expect(backupToFollow({ running: [mine, other], recent: [] }, mine, OPENED)).toBeUndefined();
  });

  it('one that ended between two reads, begun after the one shown or after the card opened', () => {
    const quick = job('quick', 'succeeded', '2026-11-26T10:03:00.000Z');
    expect(backupToFollow({ running: [], recent: [quick, shown, before] }, shown, OPENED)).toBe(quick);
    expect(backupToFollow({ running: [], recent: [quick, before] }, undefined, OPENED)).toBe(quick);
    expect(backupToFollow({ running: [], recent: [shown, before] }, shown, OPENED)).toBeUndefined();
    // Ended before the card opened: not news.
    expect(backupToFollow({ running: [], recent: [before] }, undefined, OPENED)).toBeUndefined();
    // A dismissed failure moves the floor to its start: it is not taken up again.
    const failed = job('failed', 'failed', '2026-11-26T10:04:00.000Z');
    expect(backupToFollow({ running: [], recent: [failed] }, undefined, failed.startedAt)).toBeUndefined();
  });

  it('only backups', () => {
    const exp = job('export', 'running', '2026-11-26T10:02:00.000Z', 'reports.export');
    expect(backupToFollow({ running: [exp], recent: [] }, shown, OPENED)).toBeUndefined();
  });
});
