import { describe, expect, it } from 'vitest';
import { XlsxSheetCells, type AnySheet } from '../../../src/main/core/reports';

interface Row {
  id: string;
  state: string;
  duration: number | null;
  at: string;
}

const sheet: AnySheet = {
  name: 'T',
  file: 't.csv',
  columns: [
    { header: 'Id', kind: 'text', get: (r) => (r as Row).id },
    { header: 'State', kind: 'text', get: (r) => (r as Row).state },
    { header: 'Duration', kind: 'number', get: (r) => (r as Row).duration },
    { header: 'At', kind: 'time', get: (r) => (r as Row).at },
  ],
  rows: () => [],
};

const rows = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `call-${i}`,
    state: i % 3 === 0 ? '=busy' : 'completed',
    duration: i % 4 === 0 ? null : 20 + (i % 5),
    at: new Date(Date.UTC(2026, 10, 20) + i * 1000).toISOString(),
  }));

describe('XLSX cells', () => {
  it('writes each value as its own cell would be, repeated values sharing one cell object', () => {
    const cells = new XlsxSheetCells(sheet);
    const made = rows(3000).map((r) => cells.row(r));
    const column = (c: number) => made.map((row) => row[c]);
    const [id, state, duration, at] = [column(0), column(1), column(2), column(3)];
    // The same cells as one per value: text as stored (formula-like in the Text format), numbers, dates.
    expect(made[0]).toEqual([
      { t: 's', v: 'call-0' },
      { t: 's', v: '=busy', z: '@' },
      undefined,
      { t: 'n', v: Date.UTC(2026, 10, 20) / 86_400_000 + 25_569, z: 'yyyy-mm-dd hh:mm:ss' },
    ]);
    expect(made[1]![2]).toEqual({ t: 'n', v: 21 });
    // Repeated values: one object each (two states, five durations).
    expect(new Set(state).size).toBe(2);
    expect(new Set(duration.filter((c) => c !== undefined)).size).toBe(5);
    // Distinct values (ids, times) are never shared, and ids stop being kept for sharing.
    expect(new Set(id).size).toBe(3000);
    expect(new Set(at).size).toBe(3000);
    expect(id.map((c) => c?.v)).toEqual(rows(3000).map((r) => r.id));
  });
});
