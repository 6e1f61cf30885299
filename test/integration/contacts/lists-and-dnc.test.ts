import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../../src/main/core/contacts';
import { CRM_ROWS, makeHarness, type Harness } from './harness';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

const bigCsv = (x: Harness, rows: number) =>
  x.csv('big.csv', [
    ['Name', 'Phone'],
    ...Array.from({ length: rows }, (_, i) => [`N${i}`, String(9_000_000_000 + i)]),
  ]);

describe('one transaction per import', () => {
  /** The import's audit rows, oldest first: its start, then how it ended. */
  const outcomes = () =>
    h.auditLog
      .list(undefined, 10)
      .entries.reverse()
      .map((e) => (JSON.parse(e.payload) as { outcome: string }).outcome);
  it('a cancel part-way leaves no list, no rows and no scratch file; the audit shows it cancelled', async () => {
    const file = bigCsv(h, 60_000);
    const ctl = new AbortController();
    const seen: ImportProgress[] = [];
    const err = await h.service
      .import(
        { file, listName: 'c' },
        {
          signal: ctl.signal,
          onProgress: (p) => {
            seen.push(p);
            // The first 'reading' report is forced right after the head, so this is always part-way.
            if (p.phase === 'reading') ctl.abort();
          },
        },
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled', message: 'The import was cancelled; nothing was saved.' });
    expect(seen.length).toBe(1);
    expect(seen[0]!.rows).toBeLessThan(60_000);
    expect(h.service.lists()).toEqual([]);
    expect(h.db.prepare('SELECT COUNT(*) FROM contacts').pluck().get()).toBe(0);
    expect(h.stagingFiles()).toEqual([]);
    expect(outcomes()).toEqual(['started', 'cancelled']);
  });

  it('a cancel arriving just before the commit (during the saving report) still saves nothing', async () => {
    const file = bigCsv(h, 2_000);
    const ctl = new AbortController();
    const err = await h.service
      .import(
        { file, listName: 'late' },
        { signal: ctl.signal, onProgress: (p) => p.phase === 'saving' && ctl.abort() },
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(h.service.lists()).toEqual([]);
    expect(h.db.prepare('SELECT COUNT(*) FROM contacts').pluck().get()).toBe(0);
    expect(h.stagingFiles()).toEqual([]);
    expect(outcomes()).toEqual(['started', 'cancelled']);
  });

  it('an error late in the file leaves nothing behind', async () => {
    const file = bigCsv(h, 20_000);
    fs.appendFileSync(file, '"unclosed,9876543210\r\n' + 'x'.repeat(1_100_000));
    await expect(h.service.import({ file, listName: 'e' })).rejects.toMatchObject({ code: 'malformed_csv' });
    expect(h.service.lists()).toEqual([]);
    expect(h.db.prepare('SELECT COUNT(*) FROM contacts').pluck().get()).toBe(0);
  });

  it('a crashed import leaves only a scratch file, swept at the next start', async () => {
    const stale = path.join(h.dir, 'tmp', 'import-999999999-dead.sqlite');
    fs.writeFileSync(stale, 'partial');
    const { ContactsService } = await import('../../../src/main/core/contacts');
    const { silentLogger } = await import('../../../src/main/core/logging');
    new ContactsService({ db: h.db, log: silentLogger, actor: 't' });
    expect(fs.existsSync(stale)).toBe(false);
    expect(h.service.lists()).toEqual([]);
  });

  it('reports progress with rows/s and counts that add up, and refuses a taken name', async () => {
    const seen: ImportProgress[] = [];
    const s = await h.service.import(
      { file: bigCsv(h, 30_000), listName: 'p' },
      { onProgress: (p) => seen.push(p) },
    );
    expect(s.rows).toBe(30_000);
    expect(seen.at(-1)).toMatchObject({ phase: 'saving', rows: 30_000 });
    expect(seen.at(-1)!.rowsPerSecond).toBeGreaterThan(0);
    for (const p of seen) expect(p.valid + p.invalid + p.duplicates).toBe(p.rows);
    await expect(h.service.import({ file: bigCsv(h, 1), listName: 'P' })).rejects.toMatchObject({
      code: 'list_exists',
    });
  });
});

describe('duplicates, other lists and Do-Not-Call', () => {
  it('reports numbers already in other lists without dropping them', async () => {
    const first = await h.service.import({ file: h.csv('a.csv', CRM_ROWS), listName: 'a' });
    const s = await h.service.import({
      file: h.csv('b.csv', [['Phone'], ['9876543210'], ['9123456789']]),
      listName: 'b',
    });
    expect([s.valid, s.inOtherLists]).toEqual([2, 1]);
    const [c] = h.service.contacts({ listId: s.listId }).contacts;
    expect(c).toMatchObject({ phone: '+919876543210', status: 'valid', otherListId: first.listId });
    expect(s.warnings).toContain('1 number is already in other lists.');
  });

  it('marks DNC numbers at import and keeps the mark in step when the register changes', async () => {
    const added = h.service.dnc.add({ phones: ['98765 43211', 'not a number'], note: 'asked' });
    expect(added).toEqual({
      added: ['+919876543211'],
      already: [],
      invalid: [{ input: 'not a number', reason: 'contains letters: not a phone number' }],
    });
    const s = await h.service.import({ file: h.csv('a.csv', CRM_ROWS), listName: 'a' });
    expect(s.dnc).toBe(1);
    const dncOf = () =>
      h.service
        .contacts({ listId: s.listId, status: 'valid' })
        .contacts.filter((c) => c.dnc)
        .map((c) => c.phone);
    expect(dncOf()).toEqual(['+919876543211']);
    h.service.dnc.add({ phones: ['+91 98765 43212'] });
    expect(dncOf()).toEqual(['+919876543211', '+919876543212']);
    expect(h.service.dnc.remove(['9876543211'])).toEqual({ removed: ['+919876543211'] });
    expect(dncOf()).toEqual(['+919876543212']);
    expect(h.service.dnc.list()).toMatchObject({
      total: 1,
      entries: [{ phone: '+919876543212', source: 'manual' }],
    });
    const actions = h.auditLog.list(undefined, 20).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['dnc.add', 'dnc.remove', 'contacts.startImport']));
  });

  it('imports a DNC file, reporting bad rows', async () => {
    const file = h.csv('dnc.csv', [
      ['Mobile No'],
      ['9876543210'],
      ['12345'],
      ['09876543210'],
      ['9123456780'],
    ]);
    const r = await h.service.dnc.importFile({ file });
    expect(r).toMatchObject({
      rows: 4,
      added: ['+919876543210', '+919123456780'],
      rejects: [{ row: 3, reason: '5 digits: too short for an Indian mobile' }],
    });
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(h.service.dnc.list().entries[0]?.source).toBe(`file:dnc.csv sha256:${sha}`);
  });

  it('applies the user mapping over the guesses', async () => {
    const rows = [
      ['Name', 'Mobile', 'Alt Phone', 'Agent'],
      ['A', '123', '9876543210', 'x'],
    ];
    const s = await h.service.import({
      file: h.csv('m.csv', rows),
      listName: 'm',
      mapping: { phone: 'alt phone', name: null, ignore: ['#4'] },
    });
    expect(s.mapping).toMatchObject({
      phone: { column: 2, header: 'Alt Phone' },
      name: null,
      ignored: [{ column: 3 }],
    });
    expect(h.service.contacts({ listId: s.listId }).contacts[0]).toMatchObject({
      phone: '+919876543210',
      variables: { name_2: 'A', mobile: '123' },
    });
    await expect(
      h.service.import({ file: h.csv('m2.csv', rows), listName: 'm2', mapping: { phone: 'Cell' } }),
    ).rejects.toMatchObject({
      code: 'bad_mapping',
    });
    await expect(h.service.import({ file: h.csv('m3.csv', rows), listName: '' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('pages contacts by status and deletes a list with its rows', async () => {
    const s = await h.service.import({ file: h.csv('a.csv', CRM_ROWS), listName: 'a' });
    const invalid = h.service.contacts({ listId: s.listId, status: 'invalid' }).contacts;
    expect(invalid.map((c) => [c.row, c.reason])).toEqual([
      [5, '9 digits: too short for an Indian mobile'],
      [7, 'empty phone'],
    ]);
    const page1 = h.service.contacts({ listId: s.listId, limit: 4 });
    expect(page1.nextAfterRow).toBe(5);
    const page2 = h.service.contacts({ listId: s.listId, limit: 4, afterRow: page1.nextAfterRow! });
    expect(page2.contacts.map((c) => c.row)).toEqual([6, 7, 8]);
    h.service.deleteList(s.listId);
    expect(h.service.lists()).toEqual([]);
    expect(h.db.prepare('SELECT COUNT(*) FROM contacts').pluck().get()).toBe(0);
  });
});
