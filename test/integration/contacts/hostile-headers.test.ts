import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from './harness';

// Spreadsheet headers become variable names (object keys): a header naming a prototype key must
// import as an ordinary variable and never reach Object.prototype (issue 8).

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => {
  for (const key of Object.keys(Object.prototype)) delete (Object.prototype as Record<string, unknown>)[key];
  h.close();
});

const ROWS = [
  ['Mobile', '__proto__', 'constructor', 'prototype', 'hasOwnProperty'],
  ['9876543210', 'a', 'b', 'c', 'd'],
  ['9876543211', 'e', 'f', 'g', 'h', 'extra'],
];

describe('hostile spreadsheet headers', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`${format}: __proto__, constructor and prototype headers import as plain variables`, async () => {
      const file = format === 'csv' ? h.csv('p.csv', ROWS) : h.workbook('p.xlsx', { Sheet1: ROWS });
      const s = await h.service.import({ file, listName: 'p' });
      expect(s.valid).toBe(2);
      expect(s.mapping.variables.map((v) => [v.key, v.header])).toEqual([
        ['proto', '__proto__'],
        ['constructor', 'constructor'],
        ['prototype', 'prototype'],
        ['has_own_property', 'hasOwnProperty'],
      ]);
      const { contacts } = h.service.contacts({ listId: s.listId, status: 'valid' });
      expect(contacts.map((c) => ({ ...c.variables }))).toEqual([
        { proto: 'a', constructor: 'b', prototype: 'c', has_own_property: 'd' },
        { proto: 'e', constructor: 'f', prototype: 'g', has_own_property: 'h', column_6: 'extra' },
      ]);
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect(typeof ({} as { constructor: unknown }).constructor).toBe('function');
    });
  }
});
