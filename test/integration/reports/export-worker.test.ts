import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvWriter, SqliteExportSource, xlsxWriter } from '../../../src/main/core/reports';
import { runningRowWorkers } from '../../../src/main/core/reports/export/worker-rows';
import { seedCampaignCalls, seedList } from '../../helpers/export-seed';
import { makeExportRig, readXlsx } from './export-rig';

let rig: ReturnType<typeof makeExportRig>;
beforeEach(() => {
  rig = makeExportRig();
});
afterEach(() => rig.cleanup());

const scope = { kind: 'campaign', campaignId: 'c' } as const;
const open = (minCalls: number) =>
  new SqliteExportSource(new Database(rig.file, { readonly: true }), scope, new Date(), {
    worker: { minCalls },
  });

/** Worker threads end asynchronously after close(): wait for them, bounded. */
async function workersGone(): Promise<number> {
  for (let i = 0; i < 100 && runningRowWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return runningRowWorkers();
}

describe('export rows read in a worker thread', () => {
  it('gives the same rows as this thread, and ends its thread', async () => {
    seedCampaignCalls(rig.db, { campaignId: 'c', listId: seedList(rig.db, 'L'), calls: 2500 });
    const inWorker = open(0);
    const here = open(Number.MAX_SAFE_INTEGER);
    try {
      // More than one batch of rows (2000 each), calls merged with their sessions.
      const calls = [...inWorker.calls()];
      const turns = [...inWorker.turns()];
      expect(inWorker.reading).toBe('worker');
      expect(here.reading).toBe('this thread');
      expect(calls).toHaveLength(2500);
      expect(calls).toEqual([...here.calls()]);
      expect(turns).toEqual([...here.turns()]);
      expect(turns.length).toBe(inWorker.summary.counts.turns);
      // A second reading of the calls (the HTML report reads them twice) comes from this thread.
      expect([...inWorker.calls()]).toEqual(calls);
      // The summary's statistics: folded from the rows, with the totals the worker read, in the
      // export's snapshot (a commit landing after it changes nothing in them).
      rig.db
        .prepare("UPDATE call_attempts SET price = price + 1, state = 'failed' WHERE campaign_id = 'c'")
        .run();
      for (const _ of here.calls());
      expect(inWorker.summary.calls).toEqual(here.summary.calls);
      expect(inWorker.summary.calls).toMatchObject({ total: 2500, finished: 2500 });
      expect(inWorker.summary.calls?.byOutcome).toContainEqual({ outcome: 'completed', count: 1250 });
    } finally {
      inWorker.close();
      here.close();
    }
    expect(await workersGone()).toBe(0);
  });

  it('reads on this thread when a commit lands before the worker has its snapshot', async () => {
    const ids = seedCampaignCalls(rig.db, { campaignId: 'c', listId: seedList(rig.db, 'L'), calls: 30 });
    const source = open(0);
    try {
      // Committed after this connection's snapshot: the export must not show it.
      rig.db.prepare("UPDATE call_attempts SET state = 'failed' WHERE campaign_id = 'c'").run();
      rig.db.prepare('DELETE FROM voicebot_lines').run();
      const calls = [...source.calls()];
      expect(source.reading).toBe('this thread');
      expect(calls.map((c) => c.attemptId)).toEqual(ids);
      expect(calls.filter((c) => c.state === 'completed').length).toBe(15);
      expect([...source.turns()]).toHaveLength(source.summary.counts.turns);
      expect(source.summary.counts.turns).toBe(30);
    } finally {
      source.close();
    }
    expect(await workersGone()).toBe(0);
  });

  it('writes the XLSX and CSV through the worker, and a cancelled export ends its thread', async () => {
    seedCampaignCalls(rig.db, { campaignId: 'c', listId: seedList(rig.db, 'L'), calls: 50 });
    const written = await rig.write(xlsxWriter, scope);
    expect(written.reading).toBe('worker');
    expect(readXlsx(written.out).Calls).toHaveLength(51);
    const aborted = new AbortController();
    aborted.abort();
    await expect(rig.write(csvWriter, scope, aborted.signal)).rejects.toThrow(/cancelled/);
    expect(await workersGone()).toBe(0);
  });
});
