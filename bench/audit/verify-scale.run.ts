import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { it } from 'vitest';
import { DATA_TOOL, openDatabase, verifyAuditChain } from '../../src/main/core';
import { openAuditLog } from '../../src/main/core/reports';
import { readExportAuditHead } from '../../src/main/core/reports/export';
import { FileSecretStore } from '../../src/main/server';
import { memorySink, type LogRecord } from '../../src/main/core/logging';
import type { AuditVerifyResult } from '../../src/shared/audit';
import type { JobInfo } from '../../src/shared/jobs';
import { ok, untilAsync } from '../../test/helpers/api-wait';
import { seedAuditRows } from '../../test/helpers/audit-seed';
import { openFolderCore } from '../../test/helpers/core';
import { seedCampaignCalls, seedList } from '../../test/helpers/export-seed';
import { loopBlockProbe } from '../../test/helpers/loop-probe';
import { makeTempDir } from '../../test/helpers/temp-dir';

/** Audit rows seeded (a long-lived install: several rows per call); bounded, as the seed grows with it. */
const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 100_000);
if (!Number.isInteger(ROWS) || ROWS < 1 || ROWS > 5_000_000)
  throw new Error('BENCH_AUDIT_ROWS must be a whole number from 1 to 5,000,000');

const ms = (n: number) => `${n.toFixed(0)} ms`;

/**
 * What a long audit log costs: `calldeck audit verify`'s walk, one export's audit head, and how long
 * the app's event loop is blocked while exports of a small campaign run (its head included; the
 * audit bundle also carries the log from the campaign's first row, here the whole log), with ROWS
 * rows in the chain.
 */
it(`audit verify and an export's audit head over ${ROWS} rows`, async () => {
  const tmp = makeTempDir('calldeck-bench-audit-');
  const data = path.join(tmp.dir, 'data');
  fs.mkdirSync(data);
  try {
    const first = await openFolderCore(data, { profile: DATA_TOOL });
    const dbFile = first.info.databasePath;
    await first.stop();
    let t = performance.now();
    // The campaign's row first: its audit bundle's slice is then the whole log (a campaign created long ago).
    seedAuditRows(data, dbFile, ROWS, {
      batch: 20_000,
      subject: (i) => (i === 0 ? 'campaign:c1' : `call:${i}`),
    });
    const seedMs = performance.now() - t;
    const db = openDatabase(dbFile);
    seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'March'), calls: 20 });
    db.close();

    const secrets = new FileSecretStore(path.join(data, 'secrets.json'));
    t = performance.now();
    const cli = verifyAuditChain(data, secrets.get('audit.key'));
    const verifyMs = performance.now() - t;

    const probeDb = openDatabase(dbFile);
    const audit = openAuditLog(probeDb, data, secrets, { missingKey: 'refuse' });
    const heads: number[] = [];
    for (let i = 0; i < 2; i++) {
      t = performance.now();
      await readExportAuditHead(audit);
      heads.push(performance.now() - t);
    }
    probeDb.close();

    // The app (FULL_APP) walks the chain at start in slices; exports then walk only newer rows.
    const logs: LogRecord[] = [];
    const loop = loopBlockProbe();
    loop.start();
    t = performance.now();
    const core = await openFolderCore(data, { logSinks: [memorySink(logs)] });
    await untilAsync(() => Promise.resolve(logs.find((l) => l.message === 'audit chain verified')), 600_000);
    const startCheck = { ms: performance.now() - t, maxBlock: loop.stop() };
    const exports: { format: string; total: number; maxBlock: number }[] = [];
    for (const format of ['csv', 'csv', 'bundle'] as const) {
      loop.start();
      t = performance.now();
      const { jobId } = ok<{ jobId: string }>(
        await core.invoke('reports.export', { scope: { kind: 'campaign', campaignId: 'c1' }, format }),
      );
      const job = await untilAsync(async () => {
        const j = ok<JobInfo>(await core.invoke('jobs.get', { jobId }));
        return j.state === 'running' ? undefined : j;
      }, 300_000);
      const maxBlock = loop.stop();
      if (job.state !== 'succeeded') throw new Error(`export ${job.state}`);
      exports.push({ format, total: performance.now() - t, maxBlock });
    }
    loop.start();
    t = performance.now();
    const page = ok<AuditVerifyResult>(await core.invoke('audit.verify', {}));
    const pageMs = performance.now() - t;
    const pageBlock = loop.stop();
    await core.stop();

    console.log(
      [
        `audit log at scale: ${ROWS} rows (${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(2)})`,
        `  seed through AuditLog.append:  ${ms(seedMs)}`,
        `  calldeck audit verify (walk):  ${ms(verifyMs)} (${cli.ok ? 'ok' : 'BROKEN'}, ${cli.rows} rows)`,
        `  export audit head, 1st / 2nd:  ${heads.map(ms).join(' / ')}`,
        `  app start + check in slices:   ${ms(startCheck.ms)}, event loop blocked up to ${ms(startCheck.maxBlock)}`,
        ...exports.map(
          (e, i) =>
            `  ${`${e.format.toUpperCase()} export #${i + 1} of 20 calls:`.padEnd(31)} ${ms(e.total)}, event loop blocked up to ${ms(e.maxBlock)}`,
        ),
        `  Audit page verify (Api):       ${ms(pageMs)} (${page.ok ? 'ok' : 'BROKEN'}), event loop blocked up to ${ms(pageBlock)}`,
      ].join('\n'),
    );
  } finally {
    tmp.cleanup();
  }
});
