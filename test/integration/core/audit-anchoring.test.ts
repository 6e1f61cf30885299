import Database from 'better-sqlite3';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/cli-in-process';
import { openFolderCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

// The audit chain through the real core and the real `calldeck audit verify` (run in-process; the
// e2e suite runs the built binary): an attacker with the database alone truncates or rewrites it.

interface Row {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  payload: string;
  hash: string;
}
const GENESIS = '0'.repeat(64);
const fields = (r: Row) => JSON.stringify([r.seq, r.at, r.actor, r.action, r.subject, r.payload]);
const sha256 = (prev: string, r: Row) =>
  createHash('sha256')
    .update(`${prev}\n${fields(r)}`)
    .digest('hex');
const hmacWith = (key: Buffer) => (prev: string, r: Row) =>
  createHmac('sha256', key)
    .update(`calldeck-audit-row-v1\n${prev}\n${fields(r)}`)
    .digest('hex');

/** Deletes row `seq`, renumbers the rows after it and recomputes every hash from there. */
function deleteAndRecompute(file: string, seq: number, hash: (prev: string, r: Row) => string): void {
  const db = new Database(file);
  db.transaction(() => {
    db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
    const rows = db.prepare<[], Row>('SELECT * FROM audit_log ORDER BY seq').all();
    const update = db.prepare('UPDATE audit_log SET seq = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    let prev = GENESIS;
    rows.forEach((r, i) => {
      const renumbered = { ...r, seq: i + 1 };
      const h = r.seq < seq ? r.hash : hash(prev, renumbered);
      update.run(renumbered.seq, prev, h, r.seq);
      prev = h;
    });
  })();
  db.close();
}

const cli = runCliInProcess;

describe('audit log truncation and recomputation are detected (real core, real CLI)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  /** A data folder with 5 audited Api mutations, made by the real core, stopped. */
  async function auditedFolder(): Promise<{ dir: string; file: string }> {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const core = await openFolderCore(dir, { telephony: 'exotel' });
    for (const region of ['IN', 'US', 'GB', 'IN', 'AE']) {
      const r = await core.invoke('settings.update', {
        section: 'calling',
        values: {
          timeZone: 'Asia/Kolkata',
          windowStart: '09:00',
          windowEnd: '21:00',
          days: ['mon'],
          defaultRegion: region,
        },
      });
      expect(r.ok).toBe(true);
    }
    await core.stop();
    const ok = await cli(['audit', 'verify', '--data', dir]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^Audit log OK: 5 rows, head [0-9a-f]{64}/);
    return { dir, file: path.join(dir, 'calldeck.sqlite') };
  }

  const sql = (file: string, statement: string) => {
    const db = new Database(file);
    db.prepare(statement).run();
    db.close();
  };

  it('deleting the newest rows', async () => {
    const { dir, file } = await auditedFolder();
    sql(file, 'DELETE FROM audit_log WHERE seq > 3');
    const r = await cli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BROKEN at row 4: the log ends at row 3 but the anchored head says 5 rows/);
    const json = await cli(['audit', 'verify', '--data', dir, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      rows: 3,
      brokenAt: 4,
      anchoredRows: 5,
      keyChecked: true,
    });
  });

  it('deleting every row', async () => {
    const { dir, file } = await auditedFolder();
    sql(file, 'DELETE FROM audit_log');
    const r = await cli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /BROKEN at row 1: the log is empty but the anchored head says 5 rows: all rows were deleted/,
    );
  });

  it('deleting a row and recomputing the chain with plain SHA-256', async () => {
    const { dir, file } = await auditedFolder();
    deleteAndRecompute(file, 2, sha256);
    const r = await cli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /BROKEN at row 2: hash does not match the row: it was edited, or recomputed without the audit key/,
    );
  });

  it('deleting a row and recomputing the chain with HMAC under a wrong key', async () => {
    const { dir, file } = await auditedFolder();
    deleteAndRecompute(file, 4, hmacWith(randomBytes(32)));
    const r = await cli(['audit', 'verify', '--data', dir, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, brokenAt: 4 });
  });

  it('deleting the head file', async () => {
    const { dir } = await auditedFolder();
    fs.rmSync(path.join(dir, 'calldeck.audit-head.json'));
    const r = await cli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/head file .* is missing but the log has 5 rows/);
  });

  it('deleting every row and the head file (the install still holds its audit key)', async () => {
    const { dir, file } = await auditedFolder();
    sql(file, 'DELETE FROM audit_log');
    fs.rmSync(path.join(dir, 'calldeck.audit-head.json'));
    const r = await cli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /BROKEN at row 1: the head file .* is missing but this install has an audit key, so a head was anchored before: the log and its head were deleted/,
    );
    // The next start anchors again, and says so in the chain instead of starting a clean, empty log.
    const core = await openFolderCore(dir, { telephony: 'exotel' });
    await core.stop();
    const after = await cli(['audit', 'verify', '--data', dir, '--json']);
    expect(after.code).toBe(0);
    const result = JSON.parse(after.stdout) as { rows: number; warnings: string[] };
    expect(result.rows).toBe(1);
    expect(result.warnings.join('\n')).toMatch(/row 1: the head file was missing when CallDeck started/);
    const db = new Database(file);
    const row = db.prepare('SELECT action, payload FROM audit_log WHERE seq = 1').get() as {
      action: string;
      payload: string;
    };
    db.close();
    expect(row.action).toBe('audit.reanchored');
    expect(JSON.parse(row.payload)).toMatchObject({ rows: 0 });
  });

  it('keeps a brand-new install quiet', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const db = new Database(path.join(dir, 'calldeck.sqlite'));
    db.close();
    const r = await cli(['audit', 'verify', '--data', dir, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, rows: 0 });
  });
});
