import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_COLUMNS, neutraliseForExport } from '../../../src/main/core/contacts';
import { CRM_ROWS, makeHarness, type Harness } from './harness';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

/** The part of SheetJS's bundled CFB library used here (it ships untyped). */
interface CfbApi {
  utils: { cfb_new(): object; cfb_add(cfb: object, name: string, content: Buffer): void };
  write(cfb: object, opts: { type: 'buffer' }): Buffer;
}

/** Deterministic pseudo-random bytes: "binary junk" that is the same on every run. */
function junk(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >> 16;
  }
  return b;
}

const nothingStored = (x: Harness) => {
  expect(x.service.lists()).toEqual([]);
  expect(x.db.prepare('SELECT COUNT(*) FROM contacts').pluck().get()).toBe(0);
  // Only the import's start and its failed end are on record: no list was committed.
  expect(
    x.auditLog.list(undefined, 10).entries.map((e) => JSON.parse(e.payload) as { outcome: string }),
  ).toEqual([
    expect.objectContaining({ outcome: 'failed' }),
    expect.objectContaining({ outcome: 'started' }),
  ]);
  expect(x.stagingFiles()).toEqual([]);
};

describe('files that cannot be imported get a clear message and store nothing', () => {
  const cases: [string, (x: Harness) => string, string, RegExp][] = [
    ['an empty file', (x) => x.file('empty.csv', ''), 'empty_file', /empty \(0 bytes\)/],
    ['only blank lines', (x) => x.file('blank.csv', '\r\n  \r\n\r\n'), 'empty_file', /blank space/],
    [
      'headers only',
      (x) => x.csv('h.csv', [['Name', 'Mobile']]),
      'no_data_rows',
      /header row \(row 1\) but no data rows/,
    ],
    [
      'binary junk renamed .csv',
      (x) => x.file('junk.csv', junk(100_000)),
      'not_text',
      /not text: it holds binary data/,
    ],
    [
      'junk renamed .xlsx',
      (x) => x.file('junk.xlsx', junk(5000)),
      'corrupt_spreadsheet',
      /not a valid workbook/,
    ],
    [
      'a truncated (corrupt) XLSX',
      (x) => {
        const buf = fs.readFileSync(x.workbook('ok.xlsx', { S: CRM_ROWS }));
        return x.file('broken.xlsx', buf.subarray(0, Math.floor(buf.length / 2)));
      },
      'corrupt_spreadsheet',
      /damaged or is not an Excel file/,
    ],
    [
      'a password-protected XLSX',
      (x) => {
        // What Excel writes for an encrypted workbook: a CFB container with EncryptionInfo.
        const CFB = XLSX.CFB as CfbApi;
        const cfb = CFB.utils.cfb_new();
        CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0, ...junk(200)]));
        CFB.utils.cfb_add(cfb, '/EncryptedPackage', junk(4096));
        return x.file('secret.xlsx', CFB.write(cfb, { type: 'buffer' }));
      },
      'password_protected',
      /password-protected/,
    ],
    [
      'a 200 MB spreadsheet',
      (x) => {
        const p = x.file('huge.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04]));
        fs.truncateSync(p, 200 * 1024 * 1024);
        return p;
      },
      'too_large',
      /200 MB; CallDeck opens spreadsheets up to 50 MB\. Save it as CSV/,
    ],
    [
      '10,000 columns',
      (x) =>
        x.csv('wide.csv', [
          Array.from({ length: 10_000 }, (_, i) => `c${i}`),
          Array.from({ length: 10_000 }, () => '9876543210'),
        ]),
      'too_many_columns',
      new RegExp(`10,000 columns; CallDeck reads at most ${MAX_COLUMNS.toLocaleString('en-US')}`),
    ],
    [
      'no phone column',
      (x) =>
        x.csv('np.csv', [
          ['Name', 'City'],
          ['A', 'Pune'],
        ]),
      'no_phone_column',
      /No column looks like phone/,
    ],
    ['a file that does not exist', (x) => path.join(x.dir, 'missing.csv'), 'unreadable', /does not exist/],
  ];

  it.each(cases)('%s', async (_what, make, code, message) => {
    const file = make(h);
    const err = await h.service.import({ file, listName: 'bad' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'ImportError', code });
    expect((err as Error).message).toMatch(message);
    nothingStored(h);
  });

  it('a 200 MB CSV with an unclosed quote fails fast without reading it all into memory', async () => {
    const p = h.file('quote.csv', 'Name,Phone\r\n"never closed,9876543210\r\n');
    const fd = fs.openSync(p, 'a');
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 200; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const before = process.memoryUsage().rss;
    const err = (await h.service.import({ file: p, listName: 'q' }).catch((e: unknown) => e)) as Error & {
      code: string;
    };
    expect(err.code).toBe('malformed_csv');
    expect(err.message).toMatch(
      /longer than 1,000,000 characters \(near line \d+\): a quote is never closed/,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
    nothingStored(h);
  });
});

describe('bad rows get per-row reasons and never break the import', () => {
  it('a 200 MB CSV of giant cells: streamed, rows rejected with reasons, cells clipped', async () => {
    const p = h.file('big.csv', 'Name,Phone,Notes\r\n');
    const fd = fs.openSync(p, 'a');
    const notes = 'n'.repeat(990_000);
    for (let i = 0; i < 215; i++)
      fs.writeSync(fd, `Row ${i},98765${String(43000 + i).padStart(5, '0')},${notes}\r\n`);
    fs.closeSync(fd);
    expect(fs.statSync(p).size).toBeGreaterThan(200 * 1024 * 1024);
    const s = await h.service.import({ file: p, listName: 'big' });
    expect([s.rows, s.invalid]).toEqual([215, 215]);
    expect(s.rejects[0]).toEqual({ row: 2, reason: 'cell in column 3 is longer than 10,000 characters' });
    const [first] = [...h.service.rejects(s.listId)];
    expect(first?.cells[2]?.length).toBeLessThan(10_100);
  });

  it('stores formulas and HTML as text, and neutralises them in the reject file', async () => {
    const rows = [
      ['Name', 'Phone', 'Link'],
      ['=HYPERLINK("http://evil.example","click")', '9876543210', '@SUM(A1)'],
      ['<script>alert(1)</script><b>Bob</b>', "=cmd|' /C calc'!A0", '+1+1'],
      ['-2+3', '=HYPERLINK("tel:9876543211")', 'ok'],
    ];
    const file = h.csv(
      'f.csv',
      rows.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))),
    );
    const s = await h.service.import({ file, listName: 'f' });
    expect([s.valid, s.invalid]).toEqual([1, 2]);
    expect(s.rejects).toEqual([
      { row: 3, reason: 'a formula, not a phone number' },
      { row: 4, reason: 'a formula, not a phone number' },
    ]);
    const all = h.service.contacts({ listId: s.listId }).contacts;
    expect(all.map((c) => c.name)).toEqual([rows[1]![0], rows[2]![0], rows[3]![0]]);
    expect(all[0]?.variables.link).toBe('@SUM(A1)');
    const out = path.join(h.dir, 'rejects.csv');
    expect(await h.service.writeRejectFile(s.listId, out)).toEqual({ file: out, rows: 2 });
    const lines = fs
      .readFileSync(out, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Name,Phone,Link,Reject reason,Source row');
    expect(lines[1]).toBe(
      `<script>alert(1)</script><b>Bob</b>,'=cmd|' /C calc'!A0,'+1+1,"a formula, not a phone number",3`,
    );
    expect(lines[2]).toBe(`'-2+3,"'=HYPERLINK(""tel:9876543211"")",ok,"a formula, not a phone number",4`);
    expect(neutraliseForExport('=1+1')).toBe("'=1+1");
    expect(neutraliseForExport('Asha')).toBe('Asha');
  });

  it('takes the cached value of XLSX formula cells, never the formula', async () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ['Name', 'Phone'],
      ['A', '9876543210'],
    ]);
    ws.B2 = { t: 's', v: '9876543211', f: 'HYPERLINK("tel:1","9876543211")' };
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, 'S');
    const file = h.file('f.xlsx', XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    const s = await h.service.import({ file, listName: 'fx' });
    expect(h.service.contacts({ listId: s.listId }).contacts[0]?.phone).toBe('+919876543211');
  });

  it('rejects XLSX phone cells holding a fraction or a negative number, whatever they display', async () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ['Name', 'Phone'],
      ['Fraction', 9876543216.5],
      ['Hidden sign', -9876543211],
      ['Negative', -9876543212],
      ['Whole', 9876543213],
    ]);
    (ws.B2 as XLSX.CellObject).z = '0'; // displayed "9876543217": rounded by the format
    (ws.B3 as XLSX.CellObject).z = '0;0'; // displayed "9876543211": the format drops the sign
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, 'S');
    const file = h.file('n.xlsx', XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    const s = await h.service.import({ file, listName: 'numeric' });
    expect([s.valid, s.invalid]).toEqual([1, 3]);
    expect(s.rejects).toEqual([
      { row: 2, reason: 'the cell holds 9876543216.5, not a whole number: not a phone number' },
      { row: 3, reason: 'the cell holds -9876543211, a negative number: not a phone number' },
      { row: 4, reason: 'the cell holds -9876543212, a negative number: not a phone number' },
    ]);
    const { contacts } = h.service.contacts({ listId: s.listId });
    expect(contacts.map((c) => c.phone)).toEqual([null, null, null, '+919876543213']);
    // A Do-Not-Call file is read the same way.
    const dnc = await h.service.dnc.importFile({ file });
    expect(dnc.added).toEqual(['+919876543213']);
    expect(dnc.rejects.map((r) => r.row)).toEqual([2, 3, 4]);
  });

  it('keeps cells beyond the header width as variables', async () => {
    const s = await h.service.import({
      file: h.csv('x.csv', [['Phone'], ['9876543210', 'extra']]),
      listName: 'x',
    });
    expect(h.service.contacts({ listId: s.listId }).contacts[0]?.variables).toEqual({ column_2: 'extra' });
  });

  it("says in a row's note when it had more cells than the header, and keeps them", async () => {
    const file = h.file(
      'split.csv',
      [
        'Name,Phone,City',
        'Asha,9876543210,Pune, MH', // one cell too many after the phone
        'Ravi,9876543211,Pune,,', // trailing empty cells: nothing was split
        'Rao, Meena,9876543212,Delhi', // an unquoted comma in the name shifts the phone: invalid, and why
      ].join('\n'),
    );
    const s = await h.service.import({ file, listName: 'split' });
    expect([s.rows, s.valid, s.invalid]).toEqual([3, 2, 1]);
    const [wide, trailing, shifted] = h.service.contacts({ listId: s.listId }).contacts;
    expect(wide).toMatchObject({
      status: 'valid',
      reason: null,
      note: "1 cell beyond the header's 3 columns: kept as column_4",
      variables: { city: 'Pune', column_4: ' MH' },
    });
    expect(trailing).toMatchObject({ status: 'valid', reason: null, note: null });
    expect(shifted).toMatchObject({
      status: 'invalid',
      reason: "contains letters: not a phone number; 1 cell beyond the header's 3 columns: kept as column_4",
      note: null,
    });
    // Only invalid rows are rejects; the summary says how many rows were wider than the header.
    expect(s.rejects.map((r) => r.row)).toEqual([4]);
    expect(s.warnings).toContain(
      "2 rows have more cells than the header's 3 columns (a comma inside an unquoted value?): the extra cells are kept as variables column_4 and on; each row's note says so.",
    );
  });
});
