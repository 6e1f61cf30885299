import { describe, expect, it } from 'vitest';
import { MAX_CELL_CHARS, rowClassifier } from '../../../src/main/core/contacts/classify';
import { resolveMapping } from '../../../src/main/core/contacts/mapping';

const HEADERS = ['Customer Name', 'Mobile', 'Loan ID', '1st EMI', 'Notes "quoted"', '', 'Ünïcode Çity'];
const mapping = resolveMapping(HEADERS, [['Asha', '9876543210', 'L-1', '100', 'x', 'y', 'z']], 'IN')!;

/** The variables object as the importer always stored it: every mapped column, then extra cells. */
function expectedVariables(cells: string[]): Record<string, string> {
  const clip = (s: string) => (s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS)}…[cut]` : s);
  const out: Record<string, string> = {};
  for (const v of mapping.variables) out[v.key] = clip(cells[v.column] ?? '');
  for (let i = HEADERS.length; i < cells.length; i++)
    if (cells[i] !== '') out[`column_${i + 1}`] = clip(cells[i]!);
  return out;
}

describe('rowClassifier', () => {
  const classify = rowClassifier(mapping, HEADERS.length, 'IN');

  it('maps the guessed columns and keys every other one as a variable', () => {
    expect(mapping.phone.header).toBe('Mobile');
    expect(mapping.name?.header).toBe('Customer Name');
    expect(mapping.variables.map((v) => v.key)).toEqual([
      'loan_id',
      '_1st_emi',
      'notes_quoted',
      'column_6',
      'unicode_city',
    ]);
  });

  it('writes variables as exactly the JSON text of the variables object, for any cell content', () => {
    const awkward = [
      '',
      'plain',
      'a "quote"',
      'back\\slash',
      'line\nbreak\ttab',
      '₹ 😀 Zoë',
      '\u2028',
      '\ud800',
      '{"x":1}',
    ];
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const width = HEADERS.length - 2 + (i % 5); // narrower, equal and wider than the header
      const cells = Array.from({ length: width }, (_, c) =>
        c === 1 ? '9876543210' : awkward[(i * 7 + c * 3) % awkward.length]!,
      );
      const r = classify(cells);
      const expected = expectedVariables(cells);
      expect(r.variables).toBe(JSON.stringify(expected));
      expect(JSON.parse(r.variables)).toEqual(expected);
      checked++;
    }
    expect(checked).toBe(400);
  });

  it('classifies phone, name and over-long cells as before', () => {
    expect(classify([' Asha ', '+91 98765-43210', 'L-1'])).toMatchObject({
      ok: true,
      e164: '+919876543210',
      name: 'Asha',
      reason: null,
    });
    expect(classify(['B', '98765', 'L-2'])).toMatchObject({
      ok: false,
      e164: null,
      reason: '5 digits: too short for an Indian mobile',
    });
    const long = 'x'.repeat(MAX_CELL_CHARS + 5);
    const r = classify(['C', '9876543210', long]);
    expect(r).toMatchObject({
      ok: false,
      e164: null,
      reason: 'cell in column 3 is longer than 10,000 characters',
    });
    expect((JSON.parse(r.variables) as Record<string, string>).loan_id).toBe(
      `${'x'.repeat(MAX_CELL_CHARS)}…[cut]`,
    );
  });
});
