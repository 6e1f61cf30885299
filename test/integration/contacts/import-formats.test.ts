import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CRM_ROWS, makeHarness, type Harness } from './harness';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

const expectCrmResult = async (file: string, firstName = 'Asha Rao') => {
  const s = await h.service.import({ file, listName: 'crm' });
  expect(s.rows).toBe(7);
  expect(s.valid + s.invalid + s.duplicates).toBe(s.rows);
  expect([s.valid, s.invalid, s.duplicates]).toEqual([4, 2, 1]);
  expect(s.rejects).toEqual([
    { row: 5, reason: '9 digits: too short for an Indian mobile' },
    { row: 6, reason: 'duplicate of row 2' },
    { row: 7, reason: 'empty phone' },
  ]);
  expect(s.mapping.phone.header).toBe('Mobile');
  expect(s.mapping.name?.header).toBe('Customer Name');
  expect(s.mapping.variables.map((v) => [v.key, v.header])).toEqual([
    ['loan_id', 'Loan ID'],
    ['state', 'State'],
    ['language', 'Language'],
  ]);
  const { contacts } = h.service.contacts({ listId: s.listId, status: 'valid' });
  expect(contacts.map((c) => c.phone)).toEqual([
    '+919876543210',
    '+919876543211',
    '+919876543212',
    '+918023456789',
  ]);
  expect(contacts[0]).toMatchObject({
    name: firstName,
    variables: { loan_id: 'L-1001', state: 'KA', language: 'kn' },
  });
  return s;
};

describe('CSV import', () => {
  it('imports a comma CSV, stores hash, size, mapping, and appends an audit row', async () => {
    const file = h.csv('crm.csv', CRM_ROWS);
    const s = await expectCrmResult(file);
    const bytes = fs.readFileSync(file);
    expect(s.file).toEqual({
      name: 'crm.csv',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(s.source).toMatchObject({ format: 'csv', delimiter: ',', encoding: 'utf-8' });
    const [list] = h.service.lists();
    expect(list).toMatchObject({ id: s.listId, name: 'crm', rows: 7, valid: 4, invalid: 2, duplicates: 1 });
    expect(list?.file.sha256).toBe(s.file.sha256);
    // The newest row is the import's end, committed with the list.
    const [audit] = h.auditLog.list(undefined, 10).entries;
    expect(audit).toMatchObject({ action: 'contacts.startImport', subject: `list:${s.listId}` });
    expect(JSON.parse(audit!.payload)).toMatchObject({
      outcome: 'ok',
      listId: s.listId,
      rows: 7,
      valid: 4,
      invalid: 2,
      duplicates: 1,
    });
    expect(h.auditLog.verify().ok).toBe(true);
  });

  it.each([
    [';', 'semicolon'],
    ['\t', 'tab'],
    ['|', 'pipe'],
  ])('sniffs the %j delimiter (%s)', async (delimiter) => {
    const s = await expectCrmResult(h.csv('crm.txt', CRM_ROWS, delimiter));
    expect(s.source.delimiter).toBe(delimiter);
  });

  it.each([
    ['utf8', true, 'utf-8'],
    ['utf16le', true, 'utf-16le'],
    ['utf16be', true, 'utf-16be'],
    ['utf16le', false, 'utf-16le'],
  ] as const)('reads %s (BOM %s)', async (encoding, bom, detected) => {
    const rows = CRM_ROWS.map((r, i) => (i === 1 ? ['Asha Rāo ₹', ...r.slice(1)] : r));
    const s = await expectCrmResult(h.csv('crm.csv', rows, ',', encoding, bom), 'Asha Rāo ₹');
    expect(s.source.encoding).toBe(detected);
    expect(s.mapping.phone.header).toBe('Mobile');
  });

  it('falls back to Windows-1252 when the file is not UTF-8, and handles mixed encodings', async () => {
    const header = Buffer.from('Name,Phone\r\n');
    const cp1252 = Buffer.from('Ren\xe9 M\xfcller,9876543210\r\n', 'latin1');
    const utf8 = Buffer.from('Zoë “Q”,9876543211\r\n', 'utf8');
    const euro = Buffer.from([
      0x80, 0x2c, 0x39, 0x38, 0x37, 0x36, 0x35, 0x34, 0x33, 0x32, 0x31, 0x32, 0x0d, 0x0a,
    ]);
    const s = await h.service.import({
      file: h.file('mixed.csv', Buffer.concat([header, cp1252, utf8, euro])),
      listName: 'm',
    });
    expect(s.valid).toBe(3);
    expect(h.service.contacts({ listId: s.listId }).contacts.map((c) => c.name)).toEqual([
      'René Müller',
      'Zoë “Q”',
      '€',
    ]);
    expect(s.warnings.join(' ')).toMatch(/3 byte\(s\) were not valid UTF-8 and were read as Windows-1252/);
  });

  it('keeps multi-line quoted cells in one row and numbers rows as a spreadsheet does', async () => {
    const text = 'Name,Phone,Note\r\n"Line\nbreak",9876543210,"a ""quoted"" note"\r\nX,123,y\r\n';
    const s = await h.service.import({ file: h.file('q.csv', text), listName: 'q' });
    expect(s.rejects).toEqual([{ row: 3, reason: '3 digits: too short for an Indian mobile' }]);
    const [first] = h.service.contacts({ listId: s.listId }).contacts;
    expect(first).toMatchObject({ name: 'Line\nbreak', variables: { note: 'a "quoted" note' } });
  });

  it('recovers Excel float and exact scientific notation, rejects lost digits', async () => {
    const rows = [['Phone'], ['9876543210.0'], ['9.19876543211E+11'], ['9.19877E+11'], ["'9876543213"]];
    const s = await h.service.import({ file: h.csv('excel.csv', rows), listName: 'x' });
    expect(s.valid).toBe(3);
    expect(s.rejects).toEqual([
      { row: 4, reason: 'Excel scientific notation lost digits (only 6 of 12 digits kept)' },
    ]);
  });

  it('skips title rows above the header and blank rows, and reads header-less files', async () => {
    const titled = await h.service.import({
      file: h.csv('t.csv', [
        ['Customer list March'],
        [''],
        ['Name', 'Phone No'],
        ['A', '9876543210'],
        [''],
        ['B', '9876543211'],
      ]),
      listName: 't',
    });
    expect([titled.headerRow, titled.rows, titled.valid, titled.blankRows]).toEqual([3, 2, 2, 1]);
    const bare = await h.service.import({
      file: h.csv('n.csv', [
        ['9876543210', 'A'],
        ['9876543211', 'B'],
      ]),
      listName: 'n',
    });
    expect([bare.headerRow, bare.rows, bare.valid]).toEqual([0, 2, 2]);
    expect(bare.mapping.phone.header).toBe('Column 1');
  });
});

describe('spreadsheet import', () => {
  const aoa: unknown[][] = [
    ['Customer Name', 'Mobile Number', 'Loan ID', 'Due'],
    ['Asha', 9876543210, 'L1', 1500.5],
    ['Big', 919876543211, 'L2', 20],
    ['Text', '09876543212', 'L3', 0],
    ['Bad', 98765, 'L4', 1],
  ];

  it.each(['xlsx', 'biff8', 'ods'] as const)('reads %s, keeping numbers exact', async (bookType) => {
    const ext = bookType === 'biff8' ? 'xls' : bookType;
    const file = h.workbook(`book.${ext}`, { Data: aoa }, bookType);
    const s = await h.service.import({ file, listName: bookType });
    expect([s.rows, s.valid, s.invalid]).toEqual([4, 3, 1]);
    expect(s.source).toMatchObject({ sheet: 'Data', sheets: ['Data'] });
    const phones = h.service.contacts({ listId: s.listId, status: 'valid' }).contacts.map((c) => c.phone);
    expect(phones).toEqual(['+919876543210', '+919876543211', '+919876543212']);
    expect(s.rejects[0]).toEqual({ row: 5, reason: '5 digits: too short for an Indian mobile' });
  });

  it('reads a chosen sheet by name or number, and names the sheets when it is missing', async () => {
    const file = h.workbook('two.xlsx', { Notes: [['nothing here']], Customers: aoa });
    const byName = await h.service.import({ file, listName: 'a', sheet: 'customers' });
    expect(byName.valid).toBe(3);
    const byNumber = await h.service.import({ file, listName: 'b', sheet: '2' });
    expect(byNumber.source.sheet).toBe('Customers');
    await expect(h.service.import({ file, listName: 'c', sheet: 'Leads' })).rejects.toMatchObject({
      code: 'sheet_not_found',
      message: 'No sheet named "Leads". This workbook has: "Notes", "Customers".',
    });
  });

  it('previews headers, sample rows and the guessed mapping without importing', async () => {
    const p = await h.service.preview({ file: h.workbook('p.xlsx', { S: aoa }) });
    expect(p.headers).toEqual(['Customer Name', 'Mobile Number', 'Loan ID', 'Due']);
    expect(p.sample).toHaveLength(4);
    expect(p.mapping?.phone.column).toBe(1);
    expect(p.mapping?.variables.map((v) => v.key)).toEqual(['loan_id', 'due']);
    expect(h.service.lists()).toEqual([]);
  });

  // Found importing a CRM export whose first sheet was a cover note: the preview opened on it and
  // said "No column looks like phone numbers" while the contacts sat on the second sheet.
  it('previews a workbook at the first sheet with phone numbers when the first sheet has none, saying so', async () => {
    const file = h.workbook('cover.xlsx', {
      Readme: [['Use the Customers sheet'], ['Exported 2026-11-20']],
      Customers: aoa,
    });
    const p = await h.service.preview({ file });
    expect(p.source).toMatchObject({ sheet: 'Customers', sheets: ['Readme', 'Customers'] });
    expect(p.mapping?.phone.header).toBe('Mobile Number');
    expect(p.warnings[0]).toBe(
      'Sheet “Readme” has no column of phone numbers: showing “Customers”, the first sheet that has one.',
    );
    // A sheet asked for by name is shown as it is, even without phone numbers.
    const asked = await h.service.preview({ file, sheet: 'Readme' });
    expect(asked.source.sheet).toBe('Readme');
    expect(asked.mapping).toBeNull();
    // An import given no sheet (calldeck import) names the other sheets.
    await expect(h.service.import({ file, listName: 'cover' })).rejects.toMatchObject({
      code: 'no_phone_column',
      message:
        'No column looks like phone numbers on sheet "Readme" (columns: "Use the Customers sheet"). This workbook also has "Customers": choose the sheet (calldeck import --sheet NAME), or the phone column in the mapping.',
    });
  });
});
