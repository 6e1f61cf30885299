import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, MigrationError, openDatabase } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

describe('migrations', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('applies every migration once, records it, and uses WAL', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'db.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db, MIGRATIONS)).toEqual([]);
    db.close();
    const reopened = openDatabase(file);
    expect(reopened.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    reopened.close();
  });

  it('rolls back a failing migration and keeps earlier ones', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'db.sqlite');
    const broken = [
      ...MIGRATIONS,
      { version: 999, name: 'broken', up: 'CREATE TABLE ok_part (x); SELEKT nonsense;' },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow();
    const db = openDatabase(file);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok_part'").get()).toBeUndefined();
    expect(db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(
      Math.max(...MIGRATIONS.map((m) => m.version)),
    );
    db.close();
  });

  it('refuses a database from a newer CallDeck without touching it', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'db.sqlite');
    const db = openDatabase(file);
    db.prepare("INSERT INTO schema_migrations VALUES (9999, 'future', 'x')").run();
    db.close();
    expect(() => openDatabase(file)).toThrow(MigrationError);
    expect(() => openDatabase(file)).toThrow(/newer than this CallDeck/);
  });
});
