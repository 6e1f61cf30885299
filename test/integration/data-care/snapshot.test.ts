import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  integrityProblems,
  openDatabase,
  openDatabaseReadOnly,
  snapshotDatabase,
} from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('database snapshot', () => {
  it('copies a live database without holding up the event loop (the app keeps pacing calls meanwhile)', async () => {
    const { dir, cleanup } = makeTempDir('calldeck-snapshot-');
    cleanups.push(cleanup);
    const file = path.join(dir, 'calldeck.sqlite');
    const db = openDatabase(file);
    cleanups.push(() => db.close());
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO filler (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 300_000; i++) insert.run(`${i}`.padEnd(200, 'x'));
    })();
    // The app keeps writing through its own connection meanwhile.
    let worst = 0;
    let last = performance.now();
    let writes = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
      insert.run('during');
      writes += 1;
    }, 5);
    const dest = path.join(dir, 'snapshot.sqlite');
    try {
      await snapshotDatabase(db, dest);
    } finally {
      clearInterval(tick);
      worst = Math.max(worst, performance.now() - last);
    }
    expect(worst).toBeLessThan(100);
    expect(writes).toBeGreaterThan(0);
    const copy = openDatabaseReadOnly(dest);
    try {
      expect(integrityProblems(copy)).toEqual([]);
      const rows = Number(copy.prepare('SELECT COUNT(*) FROM filler').pluck().get());
      // One committed state: every bulk row, and some prefix of the writes made meanwhile.
      expect(rows).toBeGreaterThanOrEqual(300_000);
      expect(rows).toBeLessThanOrEqual(300_000 + writes);
    } finally {
      copy.close();
    }
  }, 60_000);
});
