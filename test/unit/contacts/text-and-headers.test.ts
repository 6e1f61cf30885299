import { describe, expect, it } from 'vitest';
import { guessColumns, variableKey } from '../../../src/main/core/contacts/header';
import { looksBinary, sniffDelimiter } from '../../../src/main/core/contacts/sniff';
import { Utf8OrCp1252Decoder, detectEncoding } from '../../../src/main/core/contacts/text-decode';

describe('Utf8OrCp1252Decoder', () => {
  it('decodes UTF-8 split at every byte boundary and Windows-1252 bytes in between', () => {
    const bytes = Buffer.concat([Buffer.from('Zoë ₹ 😀 '), Buffer.from([0xe9, 0x80]), Buffer.from(' ok')]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const d = new Utf8OrCp1252Decoder();
      const text = d.decodeBytes(bytes.subarray(0, cut)) + d.decodeBytes(bytes.subarray(cut));
      expect(text).toBe('Zoë ₹ 😀 é€ ok');
      expect(d.fallbackBytes).toBe(2);
    }
  });

  it('detects BOMs and BOM-less UTF-16', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({
      encoding: 'utf-8',
      bomLength: 3,
    });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x41]))).toEqual({
      encoding: 'utf-16be',
      bomLength: 2,
    });
    expect(detectEncoding(Buffer.from('Name,Phone\n', 'utf16le'))).toEqual({
      encoding: 'utf-16le',
      bomLength: 0,
    });
    expect(detectEncoding(Buffer.from('Name,Phone\n'))).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });
});

describe('sniffing', () => {
  it.each([
    ['a,b,c\n1,2,3\n4,5,6\n', ','],
    ['a;b;c\n"1,5";2;3\n4;5;6\n', ';'],
    ['a\tb\n1\t2\n3\t4\n', '\t'],
    ['a|b\n1|2\n3|4\n', '|'],
    ['9876543210\n9876543211\n', ','],
  ])('finds the delimiter of %j', (sample, d) => {
    expect(sniffDelimiter(sample)).toBe(d);
  });

  it('tells text from binary', () => {
    expect(looksBinary('Name,Phone\r\nAsha,98765\r\n')).toBe(false);
    expect(looksBinary('PK\u0003\u0004\u0000\u0000')).toBe(true);
  });
});

describe('column names', () => {
  it.each([
    ['Loan ID', 'loan_id'],
    ['Due Amount (₹)', 'due_amount'],
    ['1st EMI', '_1st_emi'],
    ['loanId', 'loan_id'],
    ['नाम', 'column_3'],
    ['Café', 'cafe'],
  ])('%j → %s', (header, key) => {
    expect(variableKey(header, 2, new Set())).toBe(key);
  });

  it('keeps keys unique and away from phone/name', () => {
    const taken = new Set<string>();
    expect(['State', 'state', 'Name'].map((h, i) => variableKey(h, i, taken))).toEqual([
      'state',
      'state_2',
      'name_2',
    ]);
  });

  it.each([
    [['Customer Name', 'Mobile'], 1, 0],
    [['Name', 'Phone No', 'Alt Phone'], 1, 0],
    [['Contact Person', 'Contact Number'], 1, 0],
    [['Cell', 'Borrower Name'], 0, 1],
    [['A', 'B'], 1, null],
  ] as const)('guesses %j', (headers, phone, name) => {
    const sample = [['x', '9876543210']];
    expect(guessColumns(headers, sample, 'IN')).toEqual({ phone, name });
  });
});
