import Database from 'better-sqlite3';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { it } from 'vitest';
import { makeTestCore } from '../../test/helpers/core';
import { makeTempDir } from '../../test/helpers/temp-dir';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

const N = 2000;

/**
 * What the Api's guarantees cost: a validated, audited (hash-chained) settings update through the
 * core, against a bare SQLite upsert of the same JSON, both on real files in WAL mode.
 */
it('audited Api mutation vs bare SQLite write', async () => {
  const tmp = makeTempDir('calldeck-bench-');
  const raw = new Database(path.join(tmp.dir, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT, updated_at TEXT)');
  const upsert = raw.prepare(
    'INSERT INTO settings VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  const values = (i: number) => ({ ...DEFAULT_SETTINGS.calling, windowStart: `0${i % 10}:00` });

  let t = performance.now();
  for (let i = 0; i < N; i++) upsert.run('calling', JSON.stringify(values(i)), new Date().toISOString());
  const bareMs = performance.now() - t;
  raw.close();

  const { core, cleanup } = await makeTestCore();
  t = performance.now();
  for (let i = 0; i < N; i++) {
    const r = await core.invoke('settings.update', { section: 'calling', values: values(i) });
    if (!r.ok) throw new Error(r.error.message);
  }
  const apiMs = performance.now() - t;
  t = performance.now();
  const verified = await core.invoke('audit.verify', {});
  const verifyMs = performance.now() - t;
  await cleanup();
  tmp.cleanup();

  console.log(
    [
      `audit bench (${N} writes)`,
      `  bare SQLite upsert:       ${(bareMs / N).toFixed(3)} ms/write`,
      `  audited Api mutation:     ${(apiMs / N).toFixed(3)} ms/write`,
      `  ratio (audited / bare):   ${(apiMs / bareMs).toFixed(2)}×`,
      `  verify whole chain:       ${verifyMs.toFixed(1)} ms for ${N} rows (${verified.ok ? 'ok' : 'failed'})`,
    ].join('\n'),
  );
});
