import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, AuditRepository, GENESIS_HASH, openDatabase } from '../../../src/main/core';
import { hashEntry } from '../../../src/main/core/reports';
import { makeTempDir } from '../../helpers/temp-dir';

describe('hash-chained audit log', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  function setup() {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'audit.sqlite');
    const db = openDatabase(file);
    let t = Date.parse('2026-01-05T10:00:00Z');
    const log = new AuditLog(new AuditRepository(db), () => new Date((t += 1000)));
    return { file, db, log };
  }

  it('chains each row to the previous one from the genesis hash', () => {
    const { db, log } = setup();
    const a = log.append({
      actor: 'asha',
      action: 'settings.update',
      subject: 'settings.calling',
      payload: { x: 1 },
    });
    const b = log.append({
      actor: 'asha',
      action: 'settings.update',
      subject: 'settings.exotel',
      payload: { y: 2 },
    });
    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(b.hash).toBe(hashEntry(a.hash, b));
    expect(a.at).toBe('2026-01-05T10:00:01.000Z');
    expect(log.verify()).toEqual({ ok: true, rows: 2, headHash: b.hash });
    db.close();
  });

  it('names the first edited row', () => {
    const { file, db, log } = setup();
    for (let i = 0; i < 5; i++) log.append({ actor: 'a', action: 'x', subject: `s${i}`, payload: i });
    db.close();
    const raw = new Database(file);
    raw.prepare("UPDATE audit_log SET payload = '99' WHERE seq = 3").run();
    raw.close();
    const again = openDatabase(file);
    const result = new AuditLog(new AuditRepository(again)).verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 3, rows: 2 });
    expect(!result.ok && result.reason).toMatch(/edited/);
    again.close();
  });

  it('detects a deleted row and a recomputed forgery', () => {
    const { file, db, log } = setup();
    for (let i = 0; i < 4; i++) log.append({ actor: 'a', action: 'x', subject: `s${i}`, payload: i });
    db.close();
    const raw = new Database(file);
    raw.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    raw.close();
    const again = openDatabase(file);
    expect(new AuditLog(new AuditRepository(again)).verify()).toMatchObject({ ok: false, brokenAt: 3 });

    // A forger who re-inserts row 2 with a correctly recomputed hash is still caught at row 3.
    const repo = new AuditRepository(again);
    const row1 = repo.page(2, 1)[0]!;
    const forged = { seq: 2, at: row1.at, actor: 'mallory', action: 'x', subject: 's1', payload: '1' };
    again
      .prepare(
        'INSERT INTO audit_log (seq, at, actor, action, subject, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)',
      )
      .run(
        2,
        forged.at,
        forged.actor,
        forged.action,
        forged.subject,
        forged.payload,
        row1.hash,
        hashEntry(row1.hash, forged),
      );
    const result = new AuditLog(repo).verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 3 });
    expect(!result.ok && result.reason).toMatch(/removed or reordered/);
    again.close();
  });

  it('pages newest first', () => {
    const { db, log } = setup();
    for (let i = 0; i < 7; i++) log.append({ actor: 'a', action: 'x', subject: `s${i}`, payload: null });
    const first = log.list(undefined, 3);
    expect(first.total).toBe(7);
    expect(first.entries.map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(log.list(5, 3).entries.map((e) => e.seq)).toEqual([4, 3, 2]);
    db.close();
  });
});
