import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_TOOL, openDatabase, verifyAuditChain } from '../../../src/main/core';
import { KEPT_TABLES, WIPED_TABLES } from '../../../src/main/core/store';
import { FileSecretStore } from '../../../src/main/server';
import { runWipeCommand } from '../../../src/main/server/commands/data-care';
import type { AuditEntry } from '../../../src/shared/audit';
import type { ImportOutcome } from '../../../src/shared/contacts';
import type { WipeResult } from '../../../src/shared/data-care';
import { ok, until } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A data folder with a contact list, a DNC number, a recording and a backup, on a DATA_TOOL core. */
async function seededCore() {
  const { dir, cleanup } = makeTempDir('calldeck-wipe-');
  cleanups.push(cleanup);
  const made = await makeTestCore({
    dataDir: dir,
    secrets: new FileSecretStore(path.join(dir, 'secrets.json')),
    profile: DATA_TOOL,
  });
  cleanups.push(made.cleanup);
  const { core } = made;
  let imported = false;
  core.subscribe((event, payload) => {
    if (event === 'contacts.importFinished') imported = (payload as { outcome: ImportOutcome }).outcome.ok;
  });
  const csv = 'Name,Mobile\nAsha,9800000001\nRavi,9800000002\n';
  const staged = ok<{ id: string }>(
    await core.stageUpload(Readable.from([Buffer.from(csv)]), 'l.csv', 10_000),
  );
  ok(await core.invoke('contacts.startImport', { fileId: staged.id, listName: 'March' }));
  await until(() => (imported ? true : undefined));
  ok(await core.invoke('dnc.add', { phones: ['+919800000009'] }));
  for (const f of ['recordings/s1/mix.wav', 'backups/old.zip']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), 'x');
  }
  return { dir, core, stop: made.cleanup };
}

const count = (db: Database.Database, table: string) =>
  Number(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());

describe('wipe', () => {
  it('writes its audit entry first (the data is all still there when it is committed), then removes the data and keeps the audit log, settings, secrets and DNC', async () => {
    const { dir, core, stop } = await seededCore();
    const reader = new Database(path.join(dir, 'calldeck.sqlite'), { readonly: true });
    cleanups.push(() => {
      reader.close();
    });
    // What the folder held when each data.wipe row was committed (rows are announced after commit).
    const seen: { outcome: string; contacts: number; recordings: boolean }[] = [];
    core.subscribe((event, payload) => {
      if (event !== 'audit.appended') return;
      const row = payload as AuditEntry;
      if (row.action !== 'data.wipe') return;
      seen.push({
        outcome: (JSON.parse(row.payload) as { outcome: string }).outcome,
        contacts: count(reader, 'contacts'),
        recordings: fs.existsSync(path.join(dir, 'recordings')),
      });
    });
    // The word is required.
    const unconfirmed = await core.invoke('data.wipe', { confirm: 'wipe' });
    expect(unconfirmed.ok).toBe(false);
    expect(count(reader, 'contacts')).toBe(2);

    const result = ok<WipeResult>(await core.invoke('data.wipe', { confirm: 'WIPE' }));
    expect(seen).toEqual([
      { outcome: 'failed', contacts: 2, recordings: true }, // the unconfirmed request, refused
      { outcome: 'started', contacts: 2, recordings: true },
      { outcome: 'ok', contacts: 0, recordings: false },
    ]);
    expect(result.rows).toMatchObject({ contacts: 2, contact_lists: 1 });
    expect(result.removed.sort()).toEqual(
      ['backups', 'recordings', 'uploads'].filter((d) => result.removed.includes(d)).sort(),
    );
    expect(result.removed).toEqual(expect.arrayContaining(['recordings', 'backups']));
    for (const t of ['contacts', 'contact_lists', 'jobs', 'artifacts']) expect(count(reader, t)).toBe(0);
    expect(count(reader, 'dnc')).toBe(1);
    expect(fs.existsSync(path.join(dir, 'recordings'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
    const lists = ok<unknown[]>(await core.invoke('contacts.lists', {}));
    expect(lists).toEqual([]);
    await stop();
    // The chain still verifies and ends with the wipe's two rows; the start row names what stays.
    const key = new FileSecretStore(path.join(dir, 'secrets.json')).get('audit.key');
    expect(verifyAuditChain(dir, key)).toMatchObject({ ok: true, keyChecked: true });
    const rows = reader
      .prepare("SELECT payload FROM audit_log WHERE action = 'data.wipe' ORDER BY seq")
      .pluck()
      .all() as string[];
    const start = JSON.parse(rows[1]!) as { outcome: string; keeps: string[]; rows: Record<string, number> };
    expect(start.outcome).toBe('started');
    expect(start.rows.contacts).toBe(2);
    expect(start.keeps.join(' ')).toMatch(/audit log.*Do-Not-Call/);
  });

  it('is refused while a campaign may still dial (nothing removed, the refusal audited), and by the CLI without --yes-i-mean-it', async () => {
    const { dir, core, stop } = await seededCore();
    const writer = new Database(path.join(dir, 'calldeck.sqlite'));
    writer
      .prepare(
        `INSERT INTO campaigns (id, name, state, list_id, settings, created_at, created_by, updated_at)
         VALUES ('c1', 'Renewals', 'running', 1, '{}', 'now', 'tester', 'now')`,
      )
      .run();
    const refused = await core.invoke('data.wipe', { confirm: 'WIPE' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!refused.ok && refused.error.message).toMatch(/campaign Renewals \(running\)/);
    expect(count(writer, 'contacts')).toBe(2);
    expect(fs.existsSync(path.join(dir, 'recordings/s1/mix.wav'))).toBe(true);
    writer.prepare("UPDATE campaigns SET state = 'completed'").run();
    // A call still going (a test call) holds it too.
    writer
      .prepare(
        `INSERT INTO call_attempts (id, number, mode, provider, custom_field, state, created_at, updated_at)
         VALUES ('a1', '+919800000001', 'flow', 'sandbox', 'x', 'in_progress', 'now', 'now')`,
      )
      .run();
    const open = await core.invoke('data.wipe', { confirm: 'WIPE' });
    expect(!open.ok && open.error.message).toMatch(/1 call still open/);
    writer.prepare("UPDATE call_attempts SET state = 'completed', ended_at = 'now'").run();
    writer.close();
    await stop();

    await expect(runWipeCommand({ data: dir })).rejects.toThrow(/--yes-i-mean-it/);
    const r = await runWipeCommand({ data: dir, yesIMeanIt: true });
    expect(r.rows).toMatchObject({ contacts: 2, campaigns: 1 });
    const db = new Database(path.join(dir, 'calldeck.sqlite'), { readonly: true });
    const actions = db
      .prepare(
        "SELECT json_extract(payload, '$.outcome') FROM audit_log WHERE action = 'data.wipe' ORDER BY seq",
      )
      .pluck()
      .all();
    db.close();
    expect(actions).toEqual(['failed', 'failed', 'started', 'ok']);
  });

  it('every table is either wiped or kept (a new table must be placed in one list)', () => {
    const db = openDatabase(':memory:');
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all() as string[];
    db.close();
    const placed = new Set<string>([...WIPED_TABLES, ...KEPT_TABLES]);
    expect(tables.filter((t) => !placed.has(t))).toEqual([]);
  });
});
