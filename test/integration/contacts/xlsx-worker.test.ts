import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as XLSX from 'xlsx';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runningXlsxWorkers } from '../../../src/main/core/contacts/xlsx-read';
import { makeTempDir } from '../../helpers/temp-dir';
import { makeHarness, type Harness } from './harness';

const ROWS = 50_000;
const shared = makeTempDir('calldeck-xlsx-worker-');
let big: string;

beforeAll(() => {
  // 50,000 rows × 6 columns, 1 in 50 numbers too short and 1 in 100 a duplicate: ~11 MB of XLSX.
  const aoa: (string | number)[][] = [['Customer Name', 'Mobile', 'Loan ID', 'State', 'Language', 'Amount']];
  for (let i = 0; i < ROWS; i++)
    aoa.push([
      `Customer ${i}`,
      i % 50 === 7 ? 98765432 : 9_000_000_000 + (i % 100 === 3 ? i - 1 : i),
      `L-${100000 + i}`,
      'KA',
      i % 2 ? 'hi' : 'en',
      i * 1.5,
    ]);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa, { dense: true }), 'Contacts');
  big = path.join(shared.dir, 'big.xlsx');
  fs.writeFileSync(big, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
});
afterAll(() => shared.cleanup());

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

/** Waits (bounded) until every reader worker has exited. */
async function workersGone(): Promise<number> {
  for (let i = 0; i < 100 && runningXlsxWorkers() > 0; i++) await sleep(20);
  return runningXlsxWorkers();
}

describe('XLSX is parsed off the main thread', () => {
  it('keeps the event loop responsive while a 50,000-row workbook is imported', async () => {
    // What the synchronous parse blocked the event loop for, on this machine, now.
    const t0 = performance.now();
    XLSX.read(fs.readFileSync(big), { dense: true, cellFormula: false, cellHTML: false, cellStyles: false });
    const syncBlockMs = performance.now() - t0;

    const delay = monitorEventLoopDelay({ resolution: 10 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    delay.enable();
    const started = performance.now();
    const s = await h.service.import({ file: big, listName: 'big' });
    const importMs = performance.now() - started;
    delay.disable();
    clearInterval(ticker);
    const maxDelayMs = delay.max / 1e6;

    expect(s.rows).toBe(ROWS);
    expect([s.invalid, s.duplicates]).toEqual([ROWS / 50, ROWS / 100]);
    expect(s.valid + s.invalid + s.duplicates).toBe(ROWS);
    expect(s.source).toMatchObject({ format: 'xlsx', sheet: 'Contacts', sheets: ['Contacts'] });
    expect(s.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    const report = { syncBlockMs: Math.round(syncBlockMs), maxDelayMs: Math.round(maxDelayMs), importMs };
    // The loop kept turning through the whole import (timers every 10 ms)…
    expect(ticks, JSON.stringify(report)).toBeGreaterThan(importMs / 10 / 4);
    // …and never stalled anywhere near as long as the synchronous parse alone does.
    expect(maxDelayMs, JSON.stringify(report)).toBeLessThan(500);
    expect(maxDelayMs, JSON.stringify(report)).toBeLessThan(syncBlockMs);
    expect(await workersGone()).toBe(0);
  });

  it('a cancel during the parse stops the worker at once and leaves nothing', async () => {
    const ctl = new AbortController();
    const pending = h.service
      .import({ file: big, listName: 'c' }, { signal: ctl.signal })
      .catch((e: unknown) => e);
    await sleep(150);
    const abortedAt = performance.now();
    ctl.abort();
    const err = await pending;
    expect(err).toMatchObject({ code: 'cancelled', message: 'The import was cancelled; nothing was saved.' });
    // The parse alone takes seconds; a terminated worker answers within a few milliseconds.
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(h.service.lists()).toEqual([]);
    expect(h.stagingFiles()).toEqual([]);
    expect(await workersGone()).toBe(0);
  });

  it('reports worker-side failures as typed errors and releases the worker every time', async () => {
    const small = h.workbook('two.xlsx', {
      First: [['Phone'], ['9876543210']],
      Second: [['Mobile'], ['9876543211'], ['9876543212']],
    });
    await expect(h.service.import({ file: small, listName: 'x', sheet: 'Third' })).rejects.toMatchObject({
      code: 'sheet_not_found',
      message: 'No sheet named "Third". This workbook has: "First", "Second".',
    });
    const bySheet = await h.service.import({ file: small, listName: 'y', sheet: '#2' });
    expect([bySheet.rows, bySheet.source.sheet]).toEqual([2, 'Second']);
    const preview = await h.service.preview({ file: big });
    expect(preview.headers).toEqual(['Customer Name', 'Mobile', 'Loan ID', 'State', 'Language', 'Amount']);
    expect(preview.mapping?.phone.header).toBe('Mobile');
    const broken = h.file('broken.xlsx', fs.readFileSync(big).subarray(0, 100_000));
    await expect(h.service.import({ file: broken, listName: 'z' })).rejects.toMatchObject({
      code: 'corrupt_spreadsheet',
    });
    expect(await workersGone()).toBe(0);
  });
});
