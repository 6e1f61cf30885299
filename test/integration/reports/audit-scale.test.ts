import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_TOOL, openDatabase, type Core } from '../../../src/main/core';
import { memorySink, type LogRecord } from '../../../src/main/core/logging';
import type { AuditVerifyResult } from '../../../src/shared/audit';
import type { JobInfo } from '../../../src/shared/jobs';
import type { ExportResult } from '../../../src/shared/reports';
import { ok, untilAsync } from '../../helpers/api-wait';
import { seedAuditRows } from '../../helpers/audit-seed';
import { openFolderCore } from '../../helpers/core';
import { seedCampaignCalls, seedList } from '../../helpers/export-seed';
import { loopBlockProbe } from '../../helpers/loop-probe';
import { makeTempDir } from '../../helpers/temp-dir';
import { parseCsv, readZip } from './export-rig';

// Issue 12: a long-lived install's audit log (several rows per call) must not hold the app's event
// loop while the app checks it, exports (each export states the chain's check, and an audit bundle
// carries a slice of it) or verifies it.
const ROWS = 100_000;
// Loose on purpose: one walk of 100,000 rows held the loop ~550 ms on the build machine; a slice ~8 ms.
const BLOCK_MS = 150;

const tmp = makeTempDir('calldeck-audit-scale-');
const data = path.join(tmp.dir, 'data');
const logs: LogRecord[] = [];
const probe = loopBlockProbe();
let core: Core;
let startBlock = 0;

beforeAll(async () => {
  fs.mkdirSync(data);
  const first = await openFolderCore(data, { profile: DATA_TOOL });
  const dbFile = first.info.databasePath;
  await first.stop();
  // The campaign's first row opens the log: its audit bundle's slice runs from there to the end.
  seedAuditRows(data, dbFile, ROWS, { subject: (i) => (i === 0 ? 'campaign:c1' : `call:${i}`) });
  const db = openDatabase(dbFile);
  seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'March'), calls: 5 });
  db.close();
  core = await openFolderCore(data, { logSinks: [memorySink(logs)] });
  // From here: the core's own start (loading its speech engines) is not the audit check's doing.
  probe.start();
  // Bounded, and not fatal here: the first test says whether the check at start happened.
  await untilAsync(
    () => Promise.resolve(logs.find((l) => l.message === 'audit chain verified')),
    30_000,
  ).catch(() => undefined);
  startBlock = probe.stop();
}, 120_000);
afterAll(async () => {
  await core.stop();
  tmp.cleanup();
});

/** An export of the seeded campaign: its file, and the longest the event loop was held meanwhile. */
async function exportCampaign(format: 'csv' | 'bundle'): Promise<{ file: string; blocked: number }> {
  probe.start();
  const { jobId } = ok<{ jobId: string }>(
    await core.invoke('reports.export', { scope: { kind: 'campaign', campaignId: 'c1' }, format }),
  );
  const job = await untilAsync(async () => {
    const j = ok<JobInfo>(await core.invoke('jobs.get', { jobId }));
    return j.state === 'running' ? undefined : j;
  }, 60_000);
  const blocked = probe.stop();
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
  return { file: path.join(data, 'exports', `${jobId}-${(job.result as ExportResult).name}`), blocked };
}

/** A CSV export's audit line (verified or what is wrong), and the longest the loop was held. */
async function exportHead(): Promise<{ verified: string; blocked: number }> {
  const { file, blocked } = await exportCampaign('csv');
  const summary = parseCsv((await readZip(file)).get('summary.csv')!);
  const line = summary.find((l) => l[0] === 'Audit chain verified at export');
  return { verified: String(line?.[1]), blocked };
}

describe(`an audit log of ${ROWS} rows`, () => {
  it('is walked whole at the start of the app, in slices that leave the event loop free', () => {
    const done = logs.find((l) => l.message === 'audit chain verified');
    expect(done?.fields?.rows).toBeGreaterThanOrEqual(ROWS);
    expect(startBlock).toBeLessThan(BLOCK_MS);
  });

  it("an export's audit head walks only the rows since: verified, without holding the loop", async () => {
    const { verified, blocked } = await exportHead();
    expect(verified).toBe('yes');
    expect(blocked).toBeLessThan(BLOCK_MS);
  });

  it('an audit bundle whose slice is the whole log is written without holding the loop', async () => {
    const { file, blocked } = await exportCampaign('bundle');
    const zip = await readZip(file);
    const rows = zip.get('audit/rows.jsonl')!.trimEnd().split('\n');
    expect(rows.length).toBeGreaterThan(ROWS);
    expect(JSON.parse(rows[0]!) as { seq: number; subject: string }).toMatchObject({
      seq: 1,
      subject: 'campaign:c1',
    });
    expect(JSON.parse(zip.get('audit/head.json')!)).toMatchObject({ chainAtExport: { ok: true } });
    expect(blocked).toBeLessThan(BLOCK_MS);
  });

  it("the Audit page's Verify walks every row in slices and finds an old one rewritten; exports then say so", async () => {
    const verify = async () => {
      probe.start();
      const result = ok<AuditVerifyResult>(await core.invoke('audit.verify', {}));
      return { result, blocked: probe.stop() };
    };
    const intact = await verify();
    expect(intact.result).toMatchObject({ ok: true });
    expect(intact.result.rows).toBeGreaterThanOrEqual(ROWS);
    expect(intact.blocked).toBeLessThan(BLOCK_MS);

    // Far down the chain, so the walk that finds it is a long one; with sqlite3, as an attacker would.
    const seq = ROWS - 100;
    const db = openDatabase(core.info.databasePath);
    db.prepare(`UPDATE audit_log SET payload = '{"edited":true}' WHERE seq = ?`).run(seq);
    db.close();
    const tampered = await verify();
    expect(tampered.result).toMatchObject({ ok: false, brokenAt: seq });
    expect(tampered.blocked).toBeLessThan(BLOCK_MS);
    const after = await exportHead();
    expect(after.verified).toMatch(new RegExp(`^no: row ${seq}: `));
    expect(after.blocked).toBeLessThan(BLOCK_MS);
  });
});
