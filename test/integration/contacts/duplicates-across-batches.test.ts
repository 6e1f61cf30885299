import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_ROWS } from '../../../src/main/core/contacts/source';
import { makeHarness, type Harness } from './harness';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

/**
 * Rows are staged in batches (numbers of a batch are looked up together), so duplicates must be
 * found the same way wherever they fall: in one batch, across a batch boundary, many batches apart,
 * written differently (fast-path and full-path shapes of the same number).
 */
describe('duplicates are found across staging batches', () => {
  it('keeps the first row of each number and points every repeat at it', async () => {
    const DATA_ROWS = BATCH_ROWS * 3 + 500;
    // File row r (header is row 1) holds a unique number unless listed here.
    const repeats = new Map<number, string>([
      [2, '9876543210'], // first A
      [BATCH_ROWS, '9123456780'], // first B: last row of the first batch
      [BATCH_ROWS + 1, '+91 91234-56780'], // B again: first row of the next batch
      [BATCH_ROWS + 700, '09876543210'], // A again, one batch later
      [BATCH_ROWS * 2 + 10, '8800011122'], // first C
      [BATCH_ROWS * 2 + 11, '91 88000 11122'], // C again, same batch
      [BATCH_ROWS * 3 + 400, '9.876543210E+09'], // A again, Excel notation, full path
      [BATCH_ROWS * 3 + 401, '98765432'], // invalid: never a duplicate
      [BATCH_ROWS * 3 + 402, '98765432'], // the same invalid text again: still invalid
    ]);
    const rows = [['Name', 'Phone']];
    for (let r = 2; r <= DATA_ROWS + 1; r++)
      rows.push([`N${r}`, repeats.get(r) ?? String(7_000_000_000 + r)]);
    const s = await h.service.import({ file: h.csv('d.csv', rows), listName: 'd' });

    expect(s.rows).toBe(DATA_ROWS);
    expect([s.valid, s.invalid, s.duplicates]).toEqual([DATA_ROWS - 6, 2, 4]);
    expect(s.rejects).toEqual([
      { row: BATCH_ROWS + 1, reason: `duplicate of row ${BATCH_ROWS}` },
      { row: BATCH_ROWS + 700, reason: 'duplicate of row 2' },
      { row: BATCH_ROWS * 2 + 11, reason: `duplicate of row ${BATCH_ROWS * 2 + 10}` },
      { row: BATCH_ROWS * 3 + 400, reason: 'duplicate of row 2' },
      { row: BATCH_ROWS * 3 + 401, reason: '8 digits: too short for an Indian mobile' },
      { row: BATCH_ROWS * 3 + 402, reason: '8 digits: too short for an Indian mobile' },
    ]);
    const dups = h.service.contacts({ listId: s.listId, status: 'duplicate' }).contacts;
    expect(dups.map((c) => [c.row, c.phone, c.duplicateOfRow])).toEqual([
      [BATCH_ROWS + 1, '+919123456780', BATCH_ROWS],
      [BATCH_ROWS + 700, '+919876543210', 2],
      [BATCH_ROWS * 2 + 11, '+918800011122', BATCH_ROWS * 2 + 10],
      [BATCH_ROWS * 3 + 400, '+919876543210', 2],
    ]);
    // Every stored row carries its variables and the counts match the file.
    const first = h.service.contacts({ listId: s.listId, limit: 1 }).contacts[0];
    expect(first).toMatchObject({ row: 2, name: 'N2', phone: '+919876543210', status: 'valid' });
    expect(h.service.lists()[0]).toMatchObject({ rows: DATA_ROWS, valid: DATA_ROWS - 6, duplicates: 4 });
  });
});
