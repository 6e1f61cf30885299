import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import type { ApiEvents } from '../../src/shared/api/events';
import type { ContactsPage, ImportOutcome, ListSummary } from '../../src/shared/contacts';
import { POISON_KEYS } from './arbitraries';
import { fcOptions, invoke, prototypeGuard, startFuzzApp, type FuzzApp } from './harness';

// Spreadsheets are outside input too: a customer list can come from anyone. Hostile headers
// (`__proto__`, `constructor`), formula-like cells, control characters, huge cells and ragged rows,
// as CSV and as XLSX, through the real Api (stage → preview → import). Each import ends with an
// outcome (a list or a clear error); no prototype is touched; lists already stored are unchanged.

let app: FuzzApp;
const guard = prototypeGuard();
const finished = new Map<string, ImportOutcome>();

beforeAll(async () => {
  app = await startFuzzApp();
  app.server.core.subscribe((event, payload) => {
    if (event === 'contacts.importFinished') {
      const p = payload as ApiEvents['contacts.importFinished'];
      finished.set(p.importId, p.outcome);
    }
  });
});
afterAll(async () => {
  await app?.close();
});

const cell: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('9876543210', '+91 98765 43211', '098765-43212', '987654321', '') },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('=HYPERLINK("http://x")', '+SUM(1)', '-1', '@cmd', '\t', '\0', '"', '""'),
  },
  { weight: 1, arbitrary: fc.constantFrom(...POISON_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2000, max: 6000 }).map((n) => 'x'.repeat(n)) },
);

const header: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Name', 'Mobile', 'Phone', 'Customer', 'Loan ID', ...POISON_KEYS),
  fc.string({ maxLength: 16 }),
);

const sheet = fc.tuple(
  fc.array(header, { minLength: 1, maxLength: 6 }),
  fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 25 }),
);

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

let fileNo = 0;
function writeFile(kind: 'csv' | 'xlsx', headers: string[], rows: string[][]): string {
  const name = path.join(app.dir, `fuzz-${++fileNo}.${kind}`);
  if (kind === 'csv') {
    fs.writeFileSync(name, [headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n'));
  } else {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([headers, ...rows]), 'Sheet1');
    fs.writeFileSync(name, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  }
  return name;
}

async function outcomeOf(importId: string, ms = 20_000): Promise<ImportOutcome> {
  const deadline = Date.now() + ms;
  while (!finished.has(importId)) {
    if (Date.now() > deadline) throw new Error(`import ${importId} did not finish in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return finished.get(importId)!;
}

describe('fuzz: spreadsheet import', () => {
  it('every hostile CSV or XLSX ends in a list or a clear error, and touches no prototype', async () => {
    const { server } = app;
    const anchorFile = writeFile('csv', ['Name', 'Mobile'], [['Asha', '9876543210']]);
    const anchorStaged = server.core.stageFile(anchorFile);
    if (!anchorStaged.ok) throw new Error(anchorStaged.error.message);
    const anchor = await invoke<{ importId: string }>(server, 'contacts.startImport', {
      fileId: anchorStaged.value.id,
      listName: 'anchor',
    });
    const anchorOutcome = await outcomeOf(anchor.importId);
    if (!anchorOutcome.ok) throw new Error(anchorOutcome.message);
    const anchorList = anchorOutcome.summary.listId;

    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'csv' | 'xlsx'>('csv', 'xlsx'),
        sheet,
        async (kind, [headers, rows]) => {
          const staged = server.core.stageFile(writeFile(kind, headers, rows));
          if (!staged.ok) throw new Error(staged.error.message);
          const preview = await server.core.invoke('contacts.preview', { fileId: staged.value.id });
          if (!preview.ok) expect(preview.error.code).not.toBe('internal');
          const started = await server.core.invoke('contacts.startImport', {
            fileId: staged.value.id,
            listName: `fuzz ${++n}`,
          });
          if (started.ok) {
            const outcome = await outcomeOf((started.value as { importId: string }).importId);
            if (!outcome.ok) {
              expect(outcome.code).not.toBe('internal');
              expect(outcome.message.length).toBeGreaterThan(0);
            }
          } else {
            expect(started.error.code).not.toBe('internal');
          }
          guard.check();
        },
      ),
      fcOptions(60),
    );

    // What was stored before the fuzzing is unchanged.
    const list = await invoke<ListSummary>(server, 'contacts.list', { listId: anchorList });
    expect(list).toMatchObject({ name: 'anchor', rows: 1, valid: 1 });
    const page = await invoke<ContactsPage>(server, 'contacts.contacts', { listId: anchorList });
    expect(JSON.stringify(page)).toContain('+919876543210');
    const verified = await server.core.invoke('audit.verify', {});
    expect(verified).toMatchObject({ ok: true, value: { ok: true } });
  });
});
