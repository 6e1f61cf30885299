import { describe, expect, it } from 'vitest';
import { normalisePhone } from '../../../src/main/core/contacts';

// [input, expected E.164] — everything an operator's spreadsheet throws at us that is recoverable.
const accepted: [string, string][] = [
  ['9876543210', '+919876543210'],
  ['09876543210', '+919876543210'],
  ['919876543210', '+919876543210'],
  ['+919876543210', '+919876543210'],
  ['+91 98765-43210', '+919876543210'],
  ['+91-98765 43210', '+919876543210'],
  ['0091 98765 43210', '+919876543210'],
  ['(080) 2345 6789', '+918023456789'],
  ['080-23456789', '+918023456789'],
  ['022 2345 6789', '+912223456789'],
  ['9.19876543210E+11', '+919876543210'],
  ['9.876543210E+09', '+919876543210'],
  ['9876543210.0', '+919876543210'],
  ['9876543210.00', '+919876543210'],
  ["'9876543210", '+919876543210'],
  ["'+91 98765 43210", '+919876543210'],
  ['="09876543210"', '+919876543210'],
  ['  98765 43210  ', '+919876543210'],
  ['98765.43210', '+919876543210'],
  ['98-765-432-10', '+919876543210'],
  ['\u00a09876543210\u200b', '+919876543210'],
  ['+1 202 555 0143', '+12025550143'],
  ['+44 7911 123456', '+447911123456'],
];

// [input, the reason shown to the operator]
const rejected: [string, string][] = [
  ['', 'empty phone'],
  ['   ', 'empty phone'],
  ["'", 'empty phone'],
  ['987654321', '9 digits: too short for an Indian mobile'],
  ['+91 98765 4321', '9 digits: too short for an Indian mobile'],
  ['98765432101', '11 digits: too long for an Indian number'],
  ['9.19877E+11', 'Excel scientific notation lost digits (only 6 of 12 digits kept)'],
  ['9.1987654321E+11', 'Excel scientific notation lost digits (only 11 of 12 digits kept)'],
  ['9.876543210123E+09', 'not a whole number (Excel scientific notation)'],
  ['=HYPERLINK("tel:9876543210","call")', 'a formula, not a phone number'],
  ["=cmd|' /C calc'!A0", 'a formula, not a phone number'],
  ['#N/A', 'Excel error value #N/A'],
  ['call me', 'contains letters: not a phone number'],
  ['9876543210 ext 12', 'contains letters: not a phone number'],
  ['9876543210 / 9123456780', 'more than one number in the cell: put each in its own row'],
  ['9876543210, 9123456780', 'more than one number in the cell: put each in its own row'],
  ['98765*43210', 'contains characters that are not part of a phone number'],
  ['0000000000', 'all zeros: not a phone number'],
  ['---', 'no digits in the phone'],
  ['9.87654321E+09', 'Excel scientific notation lost digits (only 9 of 10 digits kept)'],
  ['12', '2 digits: too short for an Indian mobile'],
  ['+1 202 555', 'not a valid number for country code +1'],
  ['+91 1', '3 digits: too short for a phone number'],
  ['+999 1234 5678', 'unknown country code'],
  ['-9876543210', 'a negative number: not a phone number'],
  [' -98765 43210', 'a negative number: not a phone number'],
  ['\u22129876543210', 'a negative number: not a phone number'],
];

describe('normalisePhone (India by default)', () => {
  it.each(accepted)('accepts %j as %s', (input, e164) => {
    const r = normalisePhone(input);
    expect(r).toMatchObject({ ok: true, e164 });
  });

  it.each(rejected)('rejects %j: %s', (input, reason) => {
    expect(normalisePhone(input)).toEqual({ ok: false, reason });
  });

  it('says when a number was recovered from Excel notation', () => {
    expect(normalisePhone('9.19876543210E+11')).toEqual({
      ok: true,
      e164: '+919876543210',
      recovered: 'excel-scientific',
    });
    expect(normalisePhone('9876543210.0')).toMatchObject({ recovered: 'excel-float' });
    expect(normalisePhone('9876543210')).not.toHaveProperty('recovered');
  });

  it('uses the default region for numbers without a country code', () => {
    expect(normalisePhone('(202) 555-0143', 'US')).toEqual({ ok: true, e164: '+12025550143' });
    expect(normalisePhone('987654321', 'US')).toEqual({ ok: false, reason: 'not a valid number for US' });
    expect(normalisePhone('+91 98765 43210', 'US')).toEqual({ ok: true, e164: '+919876543210' });
  });
});
