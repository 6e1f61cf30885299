import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DATA_TOOL, openDatabase } from '../../../src/main/core';
import { ExportFormatError, ExportWriters } from '../../../src/main/core/reports';
import { WORKER_MIN_CALLS } from '../../../src/main/core/reports/export/row-source';
import { SnapshotWorker } from '../../../src/main/core/reports/export/snapshot-worker';
import type { Db } from '../../../src/main/core/store';
import type { JobInfo } from '../../../src/shared/jobs';
import type { ExportResult } from '../../../src/shared/reports';
import type { AuditPage } from '../../../src/shared/audit';
import { ok, untilAsync } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';
import { seedCampaignCalls, seedList } from '../../helpers/export-seed';
import { readXlsx } from './export-rig';

let t: Awaited<ReturnType<typeof makeTestCore>>;
let db: Db;
beforeEach(async () => {
  t = await makeTestCore({ profile: DATA_TOOL });
  // A second connection seeds the core's own file (WAL), as another process would.
  db = openDatabase(t.core.info.databasePath);
});
afterEach(async () => {
  db.close();
  await t.cleanup();
});

const finished = (jobId: string) =>
  untilAsync(async () => {
    const job = ok<JobInfo>(await t.core.invoke('jobs.get', { jobId }));
    return job.state === 'running' ? undefined : job;
  }, 30_000);

const exportRows = async () =>
  ok<AuditPage>(await t.core.invoke('audit.list', { limit: 50 })).entries.filter(
    (e) => e.action === 'reports.export',
  );

describe('reports.export', () => {
  it('runs as a job: progress to the total, the file as an artifact, audited with its SHA-256', async () => {
    seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'L'), calls: 50 });
    const updates: JobInfo[] = [];
    t.core.subscribe((name, payload) => {
      if (name === 'job.updated') updates.push(payload as JobInfo);
    });
    const { jobId } = ok<{ jobId: string }>(
      await t.core.invoke('reports.export', {
        scope: { kind: 'campaign', campaignId: 'c1' },
        format: 'xlsx',
      }),
    );
    const job = await finished(jobId);
    expect(job.state).toBe('succeeded');
    expect(job.kind).toBe('reports.export');
    const result = job.result as ExportResult;
    expect(result.format).toBe('xlsx');
    expect(result.name).toMatch(/^calldeck-campaign-c1-\d{8}T\d{4}Z\.xlsx$/);
    expect(job.progress.done).toBe(job.progress.total);
    expect(updates.some((u) => u.id === jobId && u.state === 'succeeded')).toBe(true);

    // The page loads it by id; its bytes are the sheets and the hash the audit row names.
    const served = await t.core.serveArtifact({ id: result.artifactId, download: true });
    expect(served.status).toBe(200);
    const file = path.join(t.dir, 'exports', `${jobId}-${result.name}`);
    const bytes = fs.readFileSync(file);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(result.sha256);
    expect(readXlsx(file).Calls!.length - 1).toBe(50);

    const rows = await exportRows();
    const payloads = rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
    expect(payloads.map((p) => p.outcome).sort()).toEqual(['ok', 'started']);
    expect(payloads.find((p) => p.outcome === 'ok')).toMatchObject({
      artifactId: result.artifactId,
      sha256: result.sha256,
    });
    expect(rows[0]!.subject).toBe('campaign:c1');
  });

  it('reads a large export’s rows in a worker thread, as the app wires it', async () => {
    seedCampaignCalls(db, {
      campaignId: 'big',
      listId: seedList(db, 'L'),
      calls: WORKER_MIN_CALLS,
      batch: 5000,
    });
    const rows = vi.spyOn(SnapshotWorker.prototype, 'rows');
    try {
      const { jobId } = ok<{ jobId: string }>(
        await t.core.invoke('reports.export', {
          scope: { kind: 'campaign', campaignId: 'big' },
          format: 'xlsx',
        }),
      );
      const job = await finished(jobId);
      expect(job.state).toBe('succeeded');
      // The calls, sessions and turns statements and the summary's totals each came from the worker.
      expect(rows.mock.results.filter((r) => r.value !== null)).toHaveLength(4);
      const result = job.result as ExportResult;
      const file = path.join(t.dir, 'exports', `${jobId}-${result.name}`);
      expect(readXlsx(file).Calls!.length - 1).toBe(WORKER_MIN_CALLS);
    } finally {
      rows.mockRestore();
    }
  });

  it('a cancel ends it cancelled, with no file left and the end audited', async () => {
    seedCampaignCalls(db, { campaignId: 'big', listId: seedList(db, 'L'), calls: 20_000 });
    const { jobId } = ok<{ jobId: string }>(
      await t.core.invoke('reports.export', {
        scope: { kind: 'campaign', campaignId: 'big' },
        format: 'csv',
      }),
    );
    ok(await t.core.invoke('jobs.cancel', { jobId }));
    const job = await finished(jobId);
    expect(job.state).toBe('cancelled');
    expect(fs.readdirSync(path.join(t.dir, 'exports'))).toEqual([]);
    expect(
      (await exportRows()).map((r) => (JSON.parse(r.payload) as { outcome: string }).outcome).sort(),
    ).toEqual(['cancelled', 'started']);
  });

  it('CallDeck stopping mid-export ends it interrupted, audited as such (not as a cancel), no file left', async () => {
    seedCampaignCalls(db, { campaignId: 'big', listId: seedList(db, 'L'), calls: 20_000 });
    const { jobId } = ok<{ jobId: string }>(
      await t.core.invoke('reports.export', {
        scope: { kind: 'campaign', campaignId: 'big' },
        format: 'xlsx',
      }),
    );
    await t.core.stop();
    const reader = openDatabase(t.core.info.databasePath);
    try {
      const job = reader
        .prepare<[string], { state: string }>('SELECT state FROM jobs WHERE id = ?')
        .get(jobId);
      expect(job?.state).toBe('interrupted');
      const ends = reader
        .prepare<[], { payload: string }>(
          "SELECT payload FROM audit_log WHERE action = 'reports.export' ORDER BY seq",
        )
        .all()
        .map((r) => JSON.parse(r.payload) as { outcome: string; error?: { code: string } });
      expect(ends.map((e) => e.outcome)).toEqual(['started', 'failed']);
      expect(ends[1]!.error?.code).toBe('interrupted');
    } finally {
      reader.close();
    }
    expect(fs.readdirSync(path.join(t.dir, 'exports'))).toEqual([]);
  });

  it('names what is missing: an unknown campaign fails the job, a bad range is refused', async () => {
    const { jobId } = ok<{ jobId: string }>(
      await t.core.invoke('reports.export', {
        scope: { kind: 'campaign', campaignId: 'nope' },
        format: 'csv',
      }),
    );
    const job = await finished(jobId);
    expect(job.state).toBe('failed');
    expect(job.error).toEqual({ code: 'not_found', message: 'No campaign nope' });

    const bad = await t.core.invoke('reports.export', {
      scope: { kind: 'range', from: '2026-11-30', to: '2026-11-01' },
      format: 'csv',
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('the range ends before it starts');
  });

  it('a format with no writer is an error naming it', () => {
    const writers = new ExportWriters();
    expect(() => writers.get('pdf')).toThrow(ExportFormatError);
    expect(() => writers.get('pdf')).toThrow('The "pdf" export format is not available');
  });
});
