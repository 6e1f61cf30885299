import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { it } from 'vitest';
import { DATA_TOOL, openDatabase } from '../../src/main/core';
import { seedAuditRows } from '../../test/helpers/audit-seed';
import { openFolderCore } from '../../test/helpers/core';
import { seedCampaignCalls, seedList } from '../../test/helpers/export-seed';
import { bridgeClient, startServe } from '../../test/helpers/serve-process';
import { makeTempDir } from '../../test/helpers/temp-dir';

/** Audit rows seeded; bounded, as the seed grows with it. Needs `npm run build` (it runs `calldeck serve`). */
const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 100_000);
if (!Number.isInteger(ROWS) || ROWS < 1 || ROWS > 5_000_000)
  throw new Error('BENCH_AUDIT_ROWS must be a whole number from 1 to 5,000,000');

interface Latency {
  workMs: number;
  /** The slowest and the median answer to a page request while the work ran. */
  maxMs: number;
  p50Ms: number;
  requests: number;
}

/** Requests `url` back to back (10 ms apart) while `work` runs. */
async function latencyDuring(url: string, work: () => Promise<unknown>): Promise<Latency> {
  const times: number[] = [];
  let done = false;
  const pinger = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(url).then((r) => r.arrayBuffer());
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t = performance.now();
  await work();
  const workMs = performance.now() - t;
  done = true;
  await pinger;
  times.sort((a, b) => a - b);
  const at = (i: number) => Math.round(times[i] ?? 0);
  return {
    workMs: Math.round(workMs),
    maxMs: at(times.length - 1),
    p50Ms: at(times.length >> 1),
    requests: times.length,
  };
}

/**
 * Whether `calldeck serve` keeps answering with a long audit log: how long its page takes to come
 * back during the first 12 s (the chain's check at start), two CSV exports of a small campaign
 * (each states the chain's check) and the Audit page's Verify.
 */
it(`calldeck serve's answers with ${ROWS} audit rows`, async () => {
  const tmp = makeTempDir('calldeck-bench-serve-audit-');
  const data = path.join(tmp.dir, 'data');
  fs.mkdirSync(data);
  const first = await openFolderCore(data, { profile: DATA_TOOL });
  const dbFile = first.info.databasePath;
  await first.stop();
  seedAuditRows(data, dbFile, ROWS, { batch: 20_000 });
  const db = openDatabase(dbFile);
  seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'March'), calls: 20 });
  db.close();
  const serve = await startServe(['--data', data, '--port', '0'], 120_000);
  try {
    const start = await latencyDuring(serve.url, () => new Promise((r) => setTimeout(r, 12_000)));
    const bridge = await bridgeClient(serve);
    const exportCsv = () =>
      latencyDuring(serve.url, async () => {
        const { jobId } = await bridge.call<{ jobId: string }>('reports.export', {
          scope: { kind: 'campaign', campaignId: 'c1' },
          format: 'csv',
        });
        const until = Date.now() + 300_000;
        while (Date.now() < until) {
          const j = await bridge.call<{ state: string }>('jobs.get', { jobId });
          if (j.state !== 'running') return;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error('the export did not end in 5 minutes');
      });
    const exports = [await exportCsv(), await exportCsv()];
    const verify = await latencyDuring(serve.url, () => bridge.call('audit.verify', {}));
    bridge.close();
    const line = (what: string, l: Latency) =>
      `  ${what.padEnd(28)} ${l.workMs} ms; page answered in ≤ ${l.maxMs} ms (median ${l.p50Ms} ms, ${l.requests} requests)`;
    console.log(
      [
        `calldeck serve with ${ROWS} audit rows`,
        line('first 12 s (check at start)', start),
        ...exports.map((e, i) => line(`CSV export #${i + 1}`, e)),
        line("Audit page's Verify", verify),
      ].join('\n'),
    );
  } finally {
    await serve.stop();
    tmp.cleanup();
  }
});
