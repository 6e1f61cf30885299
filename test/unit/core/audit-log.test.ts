import Database from 'better-sqlite3';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, MemorySecretStore, openAuditLog, openDatabase } from '../../../src/main/core';
import { AUDIT_HEAD_FILE } from '../../../src/main/core/config';
import { AuditTrail, hashEntry, macEntry, openAuditForVerify } from '../../../src/main/core/reports';
import { MIGRATIONS } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

interface Row {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** Rewrites rows from `fromSeq` on as an attacker holding only the database would. */
function recompute(file: string, fromSeq: number, hash: (prev: string, r: Row) => string): void {
  const raw = new Database(file);
  const rows = raw.prepare<[], Row>('SELECT * FROM audit_log ORDER BY seq').all();
  const update = raw.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?');
  let prev = GENESIS_HASH;
  raw.transaction(() => {
    for (const r of rows) {
      if (r.seq >= fromSeq) {
        const h = hash(prev, { ...r, prev_hash: prev });
        update.run(prev, h, r.seq);
        prev = h;
      } else prev = r.hash;
    }
  })();
  raw.close();
}

describe('hash-chained audit log, keyed and anchored', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  function setup() {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'calldeck.sqlite');
    const db = openDatabase(file);
    const secrets = new MemorySecretStore();
    let t = Date.parse('2026-01-05T10:00:00Z');
    const log = openAuditLog(db, tmp.dir, secrets, { now: () => new Date((t += 1000)) });
    const add = (n: number) => {
      for (let i = 0; i < n; i++) log.append({ actor: 'a', action: 'x', subject: `s${i}`, payload: i });
    };
    /** Verifies from a fresh connection, as `calldeck audit verify` does. */
    const verify = (withKey = true) => {
      const again = openDatabase(file);
      try {
        return openAuditForVerify(again, tmp.dir, withKey ? secrets.get('audit.key') : undefined).verify();
      } finally {
        again.close();
      }
    };
    const sql = (statement: string) => {
      const raw = new Database(file);
      raw.prepare(statement).run();
      raw.close();
    };
    return { dir: tmp.dir, file, db, log, secrets, add, verify, sql };
  }

  it('keys each row with the install key kept in the secret store, and anchors the head', () => {
    const { dir, file, db, log, secrets } = setup();
    const a = log.append({
      actor: 'asha',
      action: 'settings.update',
      subject: 'settings.calling',
      payload: 1,
    });
    const b = log.append({
      actor: 'asha',
      action: 'settings.update',
      subject: 'settings.exotel',
      payload: 2,
    });
    const key = Buffer.from(secrets.get('audit.key')!, 'hex');
    expect(key).toHaveLength(32);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(b.scheme).toBe('hmac-sha256');
    expect(b.hash).toBe(macEntry(key, a.hash, b));
    expect(b.hash).not.toBe(hashEntry(a.hash, b));
    const head = JSON.parse(fs.readFileSync(path.join(dir, AUDIT_HEAD_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(head).toMatchObject({ rows: 2, headHash: b.hash, legacyRows: 0 });
    if (process.platform !== 'win32')
      expect(fs.statSync(path.join(dir, AUDIT_HEAD_FILE)).mode & 0o777).toBe(0o600);
    expect(log.verify()).toMatchObject({
      ok: true,
      rows: 2,
      headHash: b.hash,
      anchoredRows: 2,
      warnings: [],
    });
    // Durable before anchored: the row reached the database file itself, not only the WAL.
    expect(fs.readFileSync(file).includes(b.hash)).toBe(true);
    db.close();
  });

  it('names the first edited row', () => {
    const { db, add, verify, sql } = setup();
    add(5);
    db.close();
    sql("UPDATE audit_log SET payload = '99' WHERE seq = 3");
    const result = verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 3, rows: 2 });
    expect(!result.ok && result.reason).toMatch(/edited/);
  });

  it('detects the newest rows deleted', () => {
    const { db, add, verify, sql } = setup();
    add(5);
    db.close();
    sql('DELETE FROM audit_log WHERE seq > 3');
    const result = verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 4, rows: 3, anchoredRows: 5 });
    expect(!result.ok && result.reason).toMatch(/the log ends at row 3 but the anchored head says 5 rows/);
  });

  it('detects every row deleted', () => {
    const { db, add, verify, sql } = setup();
    add(4);
    db.close();
    sql('DELETE FROM audit_log');
    const result = verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 1, rows: 0 });
    expect(!result.ok && result.reason).toMatch(
      /empty but the anchored head says 4 rows: all rows were deleted/,
    );
  });

  it('detects a row deleted and the chain recomputed with plain SHA-256', () => {
    const { db, add, verify, sql, file } = setup();
    add(5);
    db.close();
    sql('DELETE FROM audit_log WHERE seq = 2');
    sql('UPDATE audit_log SET seq = seq - 1 WHERE seq > 2');
    recompute(file, 2, (prev, r) => hashEntry(prev, r));
    const result = verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 2 });
    expect(!result.ok && result.reason).toMatch(/recomputed without the audit key/);

    // Claiming the rows were unkeyed all along does not help: the anchored head does not match.
    sql("UPDATE audit_log SET scheme = 'sha256'");
    recompute(file, 1, (prev, r) => hashEntry(prev, r));
    const relabelled = verify();
    expect(relabelled).toMatchObject({ ok: false });
    expect(!relabelled.ok && relabelled.reason).toMatch(/the log ends at row 4 but the anchored head says 5/);
  });

  it('detects a chain recomputed with HMAC under a wrong key', () => {
    const { db, add, verify, sql, file } = setup();
    add(5);
    db.close();
    sql('DELETE FROM audit_log WHERE seq = 5');
    const wrong = randomBytes(32);
    recompute(file, 1, (prev, r) => macEntry(wrong, prev, r));
    const result = verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 1 });
    expect(!result.ok && result.reason).toMatch(/recomputed without the audit key/);
  });

  it('detects a recomputed chain from the head even without the key', () => {
    const { db, add, verify, sql, file } = setup();
    add(5);
    db.close();
    sql("UPDATE audit_log SET payload = '42' WHERE seq = 3");
    recompute(file, 3, (prev, r) => macEntry(randomBytes(32), prev, r));
    const noKey = verify(false);
    expect(noKey).toMatchObject({ ok: false, brokenAt: 5, keyChecked: false });
    expect(!noKey.ok && noKey.reason).toMatch(/differs from the anchored head: the chain was rewritten/);
  });

  it('detects a head file rewritten without the key', () => {
    const { dir, db, add, verify } = setup();
    add(3);
    db.close();
    const headFile = path.join(dir, AUDIT_HEAD_FILE);
    const head = JSON.parse(fs.readFileSync(headFile, 'utf8')) as Record<string, unknown>;
    const forgedMac = createHmac('sha256', randomBytes(32)).update('x').digest('hex');
    fs.writeFileSync(headFile, JSON.stringify({ ...head, mac: forgedMac }));
    const forged = verify();
    expect(!forged.ok && forged.reason).toMatch(/head file does not carry a valid MAC/);
  });

  it('reports a missing head file when rows exist, or when the install has a key; a folder with neither is fine', () => {
    const { dir, db, verify } = setup();
    expect(verify()).toMatchObject({ ok: true, rows: 0 });
    fs.rmSync(path.join(dir, AUDIT_HEAD_FILE));
    // Opening the log made the key and anchored the empty chain: the head was deleted since.
    const emptied = verify();
    expect(emptied).toMatchObject({ ok: false, rows: 0, brokenAt: 1, anchoredRows: null });
    expect(!emptied.ok && emptied.reason).toMatch(/missing but this install has an audit key/);
    // Without the key (the desktop app's keychain), an empty folder cannot be told from a new one.
    expect(verify(false)).toMatchObject({ ok: true, rows: 0, anchoredRows: null });
    db.close();

    const other = setup();
    other.add(2);
    other.db.close();
    fs.rmSync(path.join(other.dir, AUDIT_HEAD_FILE));
    const result = other.verify();
    expect(result).toMatchObject({ ok: false, rows: 2, anchoredRows: null });
    expect(!result.ok && result.reason).toMatch(/head file .* is missing but the log has 2 rows/);
  });

  it('after a missing head, the next start anchors again and the chain says so', () => {
    const { dir, file, db, add, secrets, verify } = setup();
    add(3);
    db.close();
    fs.rmSync(path.join(dir, AUDIT_HEAD_FILE));
    const again = openDatabase(file);
    const log = openAuditLog(again, dir, secrets);
    expect(log.list(undefined, 1).entries[0]).toMatchObject({ seq: 4, action: 'audit.reanchored' });
    again.close();
    const result = verify();
    expect(result).toMatchObject({ ok: true, rows: 4, anchoredRows: 4 });
    expect(result.warnings.join('\n')).toMatch(/row 4: the head file was missing/);
  });

  it('anchors what was committed when rows are appended inside a transaction that rolls back', async () => {
    const { db, log, add, verify } = setup();
    add(2);
    expect(() =>
      db.transaction(() => {
        log.append({ actor: 'a', action: 'x', subject: 'lost', payload: null });
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    await new Promise((r) => setImmediate(r));
    db.transaction(() => log.append({ actor: 'a', action: 'x', subject: 'kept', payload: null }))();
    log.flush();
    expect(verify()).toMatchObject({ ok: true, rows: 3, anchoredRows: 3 });
    db.close();
  });

  it("commits a long action's start row with what must exist beside it, or neither", async () => {
    const { db, log, verify } = setup();
    db.exec('CREATE TABLE work (start_seq INTEGER NOT NULL)');
    const trail = new AuditTrail(log, () => {});
    const action = { actor: 'op', action: 'contacts.startImport', subject: 'list:A' };
    // The row beside the start row cannot be written: no start row is left for nobody to close.
    const refused = trail.open(action);
    expect(() =>
      refused.begin({ file: 'a.csv' }, () => {
        throw new Error('job row refused');
      }),
    ).toThrow('job row refused');
    expect(db.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
    // The action is still open, so its failure is audited as one row.
    trail.recordFailure(refused, { code: 'internal', message: 'job row refused' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 1 });
    const work = trail.open(action).begin({ file: 'a.csv' }, (startSeq) => {
      db.prepare('INSERT INTO work (start_seq) VALUES (?)').run(startSeq);
    });
    expect(db.prepare('SELECT start_seq FROM work').all()).toEqual([{ start_seq: work.startSeq }]);
    expect(work.startSeq).toBe(2);
    await new Promise((r) => setImmediate(r));
    log.flush();
    expect(verify()).toMatchObject({ ok: true, rows: 2, anchoredRows: 2 });
    db.close();
  });

  it('upgrades a database of the old unkeyed code once, keeping its hashes and protecting them', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'calldeck.sqlite');
    // The schema and rows exactly as the code before keying wrote them.
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 4) });
    const insert = old.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, subject, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)',
    );
    let prev = GENESIS_HASH;
    const legacy: string[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      const e = {
        seq,
        at: `2025-12-0${seq}T10:00:00.000Z`,
        actor: 'asha',
        action: 'x',
        subject: 's',
        payload: `${seq}`,
      };
      const hash = hashEntry(prev, e);
      insert.run(e.seq, e.at, e.actor, e.action, e.subject, e.payload, prev, hash);
      legacy.push(hash);
      prev = hash;
    }
    old.close();

    const secrets = new MemorySecretStore();
    const db = openDatabase(file);
    const log = openAuditLog(db, tmp.dir, secrets);
    log.append({ actor: 'asha', action: 'y', subject: 's', payload: 4 });
    const rows = log.list(undefined, 10).entries.reverse();
    expect(rows.map((r) => [r.seq, r.scheme])).toEqual([
      [1, 'sha256'],
      [2, 'sha256'],
      [3, 'sha256'],
      [4, 'hmac-sha256'],
      [5, 'hmac-sha256'],
    ]);
    expect(rows.slice(0, 3).map((r) => r.hash)).toEqual(legacy);
    expect(rows[3]).toMatchObject({ action: 'audit.keyed', prevHash: legacy[2] });
    expect(JSON.parse(rows[3]!.payload)).toMatchObject({ legacyRows: 3, legacyChain: 'intact' });
    expect(log.verify()).toMatchObject({ ok: true, rows: 5, anchoredRows: 5 });
    // Opening again does not key twice.
    openAuditLog(db, tmp.dir, secrets);
    expect(log.list(undefined, 1).total).toBe(5);
    db.close();

    // Editing an unkeyed row and recomputing the unkeyed prefix breaks the first keyed row.
    const raw = new Database(file);
    raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    raw.close();
    recompute(file, 2, (p, r) => (r.seq <= 3 ? hashEntry(p, r) : r.hash));
    const again = openDatabase(file);
    const result = openAuditForVerify(again, tmp.dir, secrets.get('audit.key')).verify();
    again.close();
    expect(result).toMatchObject({ ok: false, brokenAt: 4 });
    expect(!result.ok && result.reason).toMatch(/recomputed without the audit key/);
  });

  it('refuses an unkeyed row appended after keyed ones', () => {
    const { db, add, verify, file } = setup();
    add(2);
    db.close();
    const raw = new Database(file);
    const last = raw.prepare<[], Row>('SELECT * FROM audit_log WHERE seq = 2').get()!;
    const e = { seq: 3, at: last.at, actor: 'mallory', action: 'x', subject: 's', payload: '1' };
    raw
      .prepare(
        "INSERT INTO audit_log (seq, at, actor, action, subject, payload, prev_hash, hash, scheme) VALUES (?,?,?,?,?,?,?,?, 'sha256')",
      )
      .run(e.seq, e.at, e.actor, e.action, e.subject, e.payload, last.hash, hashEntry(last.hash, e));
    raw.close();
    const result = verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 3 });
    expect(!result.ok && result.reason).toMatch(/unkeyed .* after keyed rows/);
  });

  describe("an export's check walks only the rows since the last whole walk", () => {
    const edit = (db: ReturnType<typeof openDatabase>, seq: number) =>
      db.prepare(`UPDATE audit_log SET payload = '"edited"' WHERE seq = ?`).run(seq);

    it('walks the new rows, still finds one of them rewritten, and a whole walk still finds an old one', async () => {
      const { db, log, add } = setup();
      add(50);
      expect(log.verify()).toMatchObject({ ok: true, rows: 50 });
      expect(log.verify().checkedBefore).toBeUndefined();
      add(5);
      const quick = await log.verifySinceChecked();
      expect(quick).toMatchObject({ ok: true, rows: 55, anchoredRows: 55, checkedBefore: { rows: 50 } });
      // The next check trusts rows 1..55 as walked when the whole walk was, not when it went on.
      add(1);
      expect((await log.verifySinceChecked()).checkedBefore).toEqual({
        rows: 55,
        at: quick.checkedBefore?.at,
      });

      // Edited inside the app's own connection (no other writer to notice): rows before the
      // checkpoint are not walked again, so only a whole walk finds this one...
      edit(db, 10);
      expect(await log.verifySinceChecked()).toMatchObject({ ok: true, checkedBefore: { rows: 56 } });
      expect(log.verify()).toMatchObject({ ok: false, brokenAt: 10 });
      // ...and once one has, every export's check says so too.
      expect(await log.verifySinceChecked()).toMatchObject({
        ok: false,
        brokenAt: 10,
        checkedBefore: { rows: 9 },
      });
      db.close();
    });

    it('a rewritten row after the checkpoint is BROKEN', async () => {
      const { db, log, add } = setup();
      add(20);
      log.verify();
      add(5);
      edit(db, 23);
      const r = await log.verifySinceChecked();
      expect(r).toMatchObject({ ok: false, brokenAt: 23, checkedBefore: { rows: 20 } });
      expect(!r.ok && r.reason).toMatch(/edited/);
      db.close();
    });

    it('another program writing to the database (sqlite3, the CLI) sends it back to a whole walk', async () => {
      const { db, log, add, sql } = setup();
      add(20);
      log.verify();
      add(2);
      expect(log.needsWholeWalk()).toBe(false);
      sql(`UPDATE audit_log SET payload = '"edited"' WHERE seq = 4`);
      expect(log.needsWholeWalk()).toBe(true);
      const r = await log.verifySinceChecked();
      expect(r).toMatchObject({ ok: false, brokenAt: 4 });
      expect(r.checkedBefore).toBeUndefined();
      db.close();
    });

    it('truncation and a wiped log are BROKEN', async () => {
      const { db, log, add, sql } = setup();
      add(20);
      log.verify();
      // Inside the app's connection, below the checkpoint: the checkpoint row is gone.
      db.prepare('DELETE FROM audit_log WHERE seq > 15').run();
      expect(await log.verifySinceChecked()).toMatchObject({ ok: false, brokenAt: 16 });
      sql('DELETE FROM audit_log');
      expect(await log.verifySinceChecked()).toMatchObject({ ok: false, brokenAt: 1, rows: 0 });
      db.close();
    });
  });

  it('verifies in slices with the same result as one walk, letting timers run between them', async () => {
    const { db, log, add } = setup();
    db.transaction(() => add(3000))();
    log.flush();
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    try {
      expect(log.verify()).toMatchObject({ ok: true, rows: 3000 });
      expect(ticks).toBe(0);
      expect(await log.verifyInSlices(1)).toEqual(log.verify());
      expect(ticks).toBeGreaterThan(0);
      db.prepare(`UPDATE audit_log SET payload = '"edited"' WHERE seq = 2500`).run();
      const sliced = await log.verifyInSlices(1);
      expect(sliced).toMatchObject({ ok: false, brokenAt: 2500 });
      expect(sliced).toEqual(log.verify());
    } finally {
      clearInterval(timer);
      db.close();
    }
  });

  it("an export's check walks in slices too: after another program's write it walks the whole chain, letting timers run", async () => {
    const { db, log, add, sql } = setup();
    db.transaction(() => add(3000))();
    log.flush();
    log.verify();
    sql(`UPDATE audit_log SET payload = '"edited"' WHERE seq = 2950`);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    try {
      const sliced = await log.verifySinceChecked(1);
      expect(ticks).toBeGreaterThan(0);
      expect(sliced).toMatchObject({ ok: false, brokenAt: 2950 });
      expect(sliced.checkedBefore).toBeUndefined();
      expect(sliced).toEqual(log.verify());
    } finally {
      clearInterval(timer);
      db.close();
    }
  });

  it('pages newest first', () => {
    const { db, log, add } = setup();
    add(7);
    const first = log.list(undefined, 3);
    expect(first.total).toBe(7);
    expect(first.entries.map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(log.list(5, 3).entries.map((e) => e.seq)).toEqual([4, 3, 2]);
    db.close();
  });
});
