import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/main/core';
import type { AuditEntry, AuditPage } from '../../../src/shared/audit';
import type { ImportOutcome } from '../../../src/shared/contacts';
import { listChannels } from '../../../src/shared/api/contract';
import { DEFAULT_SETTINGS, type SettingsView } from '../../../src/shared/settings';
import { makeTestCore } from '../../helpers/core';
import { ok } from '../../helpers/api-wait';

/**
 * The one audit path (issue 9, item 4), through a real core on a real SQLite file: each mutation
 * writes exactly one row in the transaction of its change, failures are audited with their
 * outcome, long work records its start and its linked end, and queries write nothing.
 */

let core: Core;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ core, dir, cleanup } = await makeTestCore());
});
afterEach(() => cleanup());

async function rows(): Promise<AuditEntry[]> {
  const page = ok<AuditPage>(await core.invoke('audit.list', { limit: 500 }));
  return [...page.entries].reverse();
}
const payload = (e: AuditEntry | undefined): Record<string, unknown> =>
  JSON.parse(e?.payload ?? 'null') as Record<string, unknown>;
const ofAction = async (action: string) => (await rows()).filter((e) => e.action === action);

async function upload(name: string, content: string): Promise<string> {
  return ok<{ id: string }>(await core.stageUpload(Readable.from([Buffer.from(content)]), name, 1_000_000))
    .id;
}

/** Starts an import through the Api and waits (bounded) for its outcome event. */
async function importList(listName: string, content: string, file = 'people.csv'): Promise<ImportOutcome> {
  const fileId = await upload(file, content);
  let outcome: ImportOutcome | undefined;
  const off = core.subscribe((event, p) => {
    if (event === 'contacts.importFinished') outcome = (p as { outcome: ImportOutcome }).outcome;
  });
  try {
    ok(await core.invoke('contacts.startImport', { fileId, listName }));
    for (let i = 0; i < 500 && !outcome; i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    off();
  }
  if (!outcome) throw new Error('the import did not finish in 5 s');
  return outcome;
}

const CSV = 'Name,Mobile\nAsha,9876543210\nRavi,9876543211\n';

/** Makes SQLite refuse the success row of one action: the append fails inside the change's transaction. */
function refuseAuditRow(action: string): void {
  const db = new Database(path.join(dir, 'calldeck.sqlite'));
  db.exec(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log
    WHEN NEW.action = '${action}' AND json_extract(NEW.payload, '$.outcome') = 'ok'
    BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END`);
  db.close();
}

describe('one audit row per mutation, in the change’s transaction', () => {
  it('dnc.add through the Api appends exactly one row, with the request and what changed', async () => {
    ok(await core.invoke('dnc.add', { phones: ['9876543210', '12'], note: 'asked' }));
    const added = await ofAction('dnc.add');
    expect(added).toHaveLength(1);
    expect(payload(added[0])).toMatchObject({
      outcome: 'ok',
      request: { phones: ['9876543210', '12'], note: 'asked' },
      count: 1,
      numbers: ['+919876543210'],
    });
  });

  it('contacts.deleteList through the Api appends exactly one row', async () => {
    const done = await importList('Deletable', CSV);
    if (!done.ok) throw new Error(done.message);
    ok(await core.invoke('contacts.deleteList', { listId: done.summary.listId }));
    const deleted = await ofAction('contacts.deleteList');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]?.subject).toBe(`list:${done.summary.listId}`);
    expect(payload(deleted[0])).toMatchObject({ outcome: 'ok', name: 'Deletable' });
  });

  it('a successful import is its start row and one linked outcome row carrying the counts', async () => {
    const done = await importList('Good', CSV);
    if (!done.ok) throw new Error(done.message);
    const [start, end, ...more] = await ofAction('contacts.startImport');
    expect(more).toEqual([]);
    expect(payload(start)).toMatchObject({ outcome: 'started', request: { listName: 'Good' } });
    expect(end?.subject).toBe(`list:${done.summary.listId}`);
    expect(payload(end)).toMatchObject({ outcome: 'ok', startSeq: start?.seq, rows: 2, valid: 2 });
  });
});

describe('failures are audited with their outcome', () => {
  it('an import into a taken list name leaves its start row and one outcome row naming the error', async () => {
    const first = await importList('Taken', CSV);
    expect(first.ok).toBe(true);
    const second = await importList('Taken', CSV);
    expect(second).toMatchObject({ ok: false, code: 'list_exists' });
    const imports = await ofAction('contacts.startImport');
    expect(imports.map((e) => payload(e).outcome)).toEqual(['started', 'ok', 'started', 'failed']);
    const [, , start, end] = imports;
    expect(payload(end)).toMatchObject({
      outcome: 'failed',
      startSeq: start?.seq,
      error: { code: 'list_exists', message: expect.stringContaining('"Taken" already exists') as string },
    });
  });

  it('a broken file leaves its start row and one outcome row naming the error', async () => {
    const outcome = await importList('Broken', '\n\n', 'empty.csv');
    expect(outcome.ok).toBe(false);
    const [start, end, ...more] = await ofAction('contacts.startImport');
    expect(more).toEqual([]);
    expect(payload(end)).toMatchObject({
      outcome: 'failed',
      startSeq: start?.seq,
      error: { code: outcome.ok ? '' : outcome.code },
    });
  });

  it('a refused settings.update is audited as failed, naming the field, and changes nothing', async () => {
    const refused = await core.invoke('settings.update', {
      section: 'calling',
      values: { ...DEFAULT_SETTINGS.calling, timeZone: 'Mars/Olympus_Mons' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const [row, ...more] = await ofAction('settings.update');
    expect(more).toEqual([]);
    expect(row?.subject).toBe('settings.calling');
    expect(payload(row)).toMatchObject({
      outcome: 'failed',
      error: { code: 'invalid_request', issues: [{ path: 'values.timeZone' }] },
    });
    const view = ok<SettingsView>(await core.invoke('settings.get', {}));
    expect(view.settings.calling).toEqual(DEFAULT_SETTINGS.calling);
  });

  it('a refused setSecret never records the secret, even in a misnamed field', async () => {
    const secret = 'tok_should_never_be_stored_1234';
    const refused = await core.invoke('settings.setSecret', { name: 'exotel.apiToken', valu: secret });
    expect(refused.ok).toBe(false);
    const [row] = await ofAction('settings.setSecret');
    expect(payload(row)).toMatchObject({ outcome: 'failed', error: { code: 'invalid_request' } });
    expect(row?.payload).not.toContain(secret);
  });

  it('queries never write rows, not even refused ones', async () => {
    await core.invoke('dnc.list', {});
    await core.invoke('contacts.lists', {});
    await core.invoke('settings.get', {});
    await core.invoke('audit.verify', {});
    await core.invoke('contacts.list', { listId: 'x' });
    await core.invoke('contacts.list', { listId: 99 });
    expect(ok<AuditPage>(await core.invoke('audit.list', {})).total).toBe(0);
  });
});

describe('every method of the contract', () => {
  it('a refused call to any mutating method is one failed row; to a query, none', async () => {
    const channels = listChannels();
    for (const { channel } of channels) await core.invoke(channel, { notAField: 1 });
    const mutating = channels.filter((c) => c.spec.mutating).map((c) => c.channel);
    const written = (await rows()).filter((e) => e.action !== 'audit.keyed');
    expect(written.map((e) => e.action).sort()).toEqual([...mutating].sort());
    for (const e of written)
      expect(payload(e)).toMatchObject({ outcome: 'failed', error: { code: 'invalid_request' } });
  });
});

describe('actions outside the Api (a host’s own step) take the same path', () => {
  it('core.audited commits a change with its row, or records the failure and rethrows', async () => {
    const done = await core.audited(
      { action: 'host.step', subject: 'thing:1', request: { n: 1 } },
      () => 'ran',
    );
    expect(done).toBe('ran');
    await expect(
      core.audited({ action: 'host.step', subject: 'thing:2', actor: 'asha' }, () => {
        throw Object.assign(new Error('the disk is full'), { code: 'unwritable' });
      }),
    ).rejects.toThrow('the disk is full');
    const steps = await ofAction('host.step');
    expect(steps.map((e) => [e.subject, e.actor, payload(e)])).toEqual([
      ['thing:1', 'tester', { outcome: 'ok', request: { n: 1 } }],
      ['thing:2', 'asha', { outcome: 'failed', error: { code: 'unwritable', message: 'the disk is full' } }],
    ]);
  });
});

describe('a change and its audit row are atomic', () => {
  it('when the dnc.add row cannot be written, the numbers are not added and the Api answers a typed error', async () => {
    refuseAuditRow('dnc.add');
    const result = await core.invoke('dnc.add', { phones: ['9876543210'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(!result.ok && result.error.message).toMatch(/not saved.*audit.*injected audit failure/i);
    expect(ok<{ total: number }>(await core.invoke('dnc.list', {})).total).toBe(0);
    // The failed attempt itself is on record (its row is not the refused kind).
    const [row, ...more] = await ofAction('dnc.add');
    expect(more).toEqual([]);
    expect(payload(row)).toMatchObject({ outcome: 'failed', error: { code: 'internal' } });
    expect(ok<{ ok: boolean }>(await core.invoke('audit.verify', {})).ok).toBe(true);
  });

  it('when the contacts.deleteList row cannot be written, the list stays', async () => {
    const done = await importList('Kept', CSV);
    if (!done.ok) throw new Error(done.message);
    refuseAuditRow('contacts.deleteList');
    const result = await core.invoke('contacts.deleteList', { listId: done.summary.listId });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    const lists = ok<{ name: string }[]>(await core.invoke('contacts.lists', {}));
    expect(lists.map((l) => l.name)).toEqual(['Kept']);
  });

  it('when the import’s outcome row cannot be written, no list is created and the failure is recorded', async () => {
    refuseAuditRow('contacts.startImport');
    const outcome = await importList('Unrecorded', CSV);
    expect(outcome).toMatchObject({ ok: false, code: 'internal' });
    expect(ok<unknown[]>(await core.invoke('contacts.lists', {}))).toEqual([]);
    const imports = await ofAction('contacts.startImport');
    expect(imports.map((e) => payload(e).outcome)).toEqual(['started', 'failed']);
  });
});

describe('the chain after all of it', () => {
  it('verifies, with every kind of row in it', async () => {
    await importList('A', CSV);
    await importList('A', CSV);
    await core.invoke('settings.update', { section: 'calling', values: { bogus: true } });
    ok(await core.invoke('dnc.add', { phones: ['9876543212'] }));
    ok(await core.invoke('dnc.remove', { phones: ['9876543212'] }));
    const outcomes = (await rows()).map((e) => `${e.action}:${String(payload(e).outcome)}`);
    expect(outcomes).toEqual([
      'contacts.startImport:started',
      'contacts.startImport:ok',
      'contacts.startImport:started',
      'contacts.startImport:failed',
      'settings.update:failed',
      'dnc.add:ok',
      'dnc.remove:ok',
    ]);
    const verified = ok<{ ok: boolean; rows: number }>(await core.invoke('audit.verify', {}));
    expect(verified).toMatchObject({ ok: true, rows: 7 });
  });
});
