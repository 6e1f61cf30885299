import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AHEAD_BATCHES,
  AHEAD_CHARS,
  WORKER_BATCH_ROWS,
  WorkerRows,
} from '../../../src/main/core/reports/export/worker-rows';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * The row worker runs ahead of a reader busy elsewhere (the turns while the calls are written), but
 * only so far: a number of batches, and a number of characters of text, whichever comes first.
 */
const tmp = makeTempDir('calldeck-worker-ahead-');
afterAll(() => tmp.cleanup());

async function settle(rows: WorkerRows): Promise<number> {
  // The worker stops when it is as far ahead as it may go: wait until the count stops moving.
  let last = -1;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const now = rows.unread(0);
    if (now === last && now > 0) return now;
    last = now;
  }
  return last;
}

describe('the row worker runs ahead of its reader, bounded', () => {
  it('by batches for short rows and by characters for long ones, then goes on as rows are read', async () => {
    const file = path.join(tmp.dir, 'ahead.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE t (i INTEGER, text TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    const shortRows = (AHEAD_BATCHES + 4) * WORKER_BATCH_ROWS;
    const perBatch = 2000 * WORKER_BATCH_ROWS;
    const longRows = (Math.ceil(AHEAD_CHARS / perBatch) + 4) * WORKER_BATCH_ROWS;
    db.transaction(() => {
      for (let i = 0; i < shortRows; i++) insert.run(i, 'x');
      for (let i = 0; i < longRows; i++) insert.run(i, 'y'.repeat(2000));
    })();
    db.close();

    const short = new WorkerRows(file, [{ sql: 'SELECT i FROM t WHERE length(text) = 1', params: {} }]);
    const long = new WorkerRows(file, [{ sql: 'SELECT text FROM t WHERE length(text) > 1', params: {} }]);
    try {
      // Short rows: every batch it may post (the rows do not fill AHEAD_CHARS).
      expect(await settle(short)).toBe(AHEAD_BATCHES);
      // 2,000-character rows: as many batches as AHEAD_CHARS takes (and one that crosses it).
      expect(await settle(long)).toBe(Math.ceil(AHEAD_CHARS / perBatch));
      // Reading goes on to the end: every row comes, in order.
      let n = 0;
      for (const [i] of short.rows(0)) expect(i).toBe(n++);
      expect(n).toBe(shortRows);
    } finally {
      short.close();
      long.close();
    }
  });
});
