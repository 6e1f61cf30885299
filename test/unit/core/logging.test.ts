import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createLogger,
  fileSink,
  memorySink,
  stderrSink,
  type LogRecord,
} from '../../../src/main/core/logging';
import { makeTempDir } from '../../helpers/temp-dir';

const temps: (() => void)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const cleanup of temps.splice(0)) cleanup();
});

function tempLog(): string {
  const { dir, cleanup } = makeTempDir();
  temps.push(cleanup);
  return path.join(dir, 'logs', 'calldeck.log');
}

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('logger limits', () => {
  it('rate-limits a flood per source and kind, then writes one "suppressed N similar" line', () => {
    const file = tempLog();
    const sink = fileSink(file);
    let now = 1_000_000;
    const log = createLogger([sink], 'info', 'core', { now: () => now });
    const pub = log.child('public');
    // 10,000 refused requests inside one window, each naming a long attacker-chosen path.
    for (let i = 0; i < 10_000; i++)
      pub.warn('public request refused', { path: `/x${i}/${'a'.repeat(5000)}` });
    log.info('core started'); // another kind is not starved by the flood
    now += 60_000;
    pub.warn('public request refused', { path: '/after' });
    sink.close();

    const written = lines(file);
    expect(fs.statSync(file).size).toBeLessThan(200 * 1024);
    expect(written.length).toBeLessThan(100);
    for (const line of written) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4096);
    const records = written.map((l) => JSON.parse(l) as LogRecord);
    expect(records.some((r) => r.message === 'core started')).toBe(true);
    const summary = records.find((r) => r.message.startsWith('suppressed'));
    expect(summary).toMatchObject({ scope: 'core.public', level: 'warn' });
    expect(summary?.fields).toMatchObject({ similar: 'public request refused' });
    const kept = records.filter((r) => r.message === 'public request refused').length;
    expect((summary?.fields?.count as number) + kept).toBe(10_001);
    expect(records.at(-1)?.fields).toMatchObject({ path: '/after' });
  });

  it('caps the lines of all kinds together in a window', () => {
    const records: LogRecord[] = [];
    const log = createLogger([memorySink(records)], 'info', 'core', { now: () => 0 });
    for (let i = 0; i < 5000; i++) log.child(`session.${i}`).warn('dropped a bad stream frame');
    expect(records.length).toBeLessThan(400);
  });

  it('writes the suppressed count when the window ends even if nothing else is logged', async () => {
    const records: LogRecord[] = [];
    const log = createLogger([memorySink(records)], 'info', 'core', { limits: { windowMs: 100 } });
    for (let i = 0; i < 100; i++) log.warn('noise');
    const deadline = Date.now() + 3000;
    while (!records.some((r) => r.message.startsWith('suppressed')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(records.find((r) => r.message.startsWith('suppressed'))?.fields).toMatchObject({ count: 80 });
  });

  it('truncates long strings and summarises deep, big, circular and odd values; no line over 4 KB', () => {
    const file = tempLog();
    const sink = fileSink(file);
    const log = createLogger([sink], 'info');
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5000; i++) deep = [deep];
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v'.repeat(100)]));
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const err = new Error('x'.repeat(100_000));
    log.warn('m'.repeat(20_000), {
      long: 'y'.repeat(1024 * 1024),
      deep,
      circular,
      wide,
      hostile,
      err,
      big: 10n ** 30n,
      buf: Buffer.alloc(1024 * 1024),
      list: Array.from({ length: 100_000 }, (_, i) => i),
    });
    sink.close();
    const [line, ...rest] = lines(file);
    expect(rest).toEqual([]);
    expect(Buffer.byteLength(line ?? '')).toBeLessThanOrEqual(4096);
    const record = JSON.parse(line ?? '') as LogRecord;
    expect(record.message.length).toBeLessThan(1100);
    expect(record.message.startsWith('mmmm')).toBe(true);
  });

  it('keeps small fields as they are', () => {
    const records: LogRecord[] = [];
    const log = createLogger([memorySink(records)], 'info');
    log.info('ok', { a: 1, b: 'two', c: { d: [1, 2, 3] }, e: null });
    expect(records[0]?.fields).toEqual({ a: 1, b: 'two', c: { d: [1, 2, 3] }, e: null });
  });

  it('gives stderr the same limits', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const log = createLogger([stderrSink('warn')], 'info', 'core', { now: () => 0 });
    for (let i = 0; i < 10_000; i++) log.warn('public request refused', { path: 'p'.repeat(100_000) });
    const bytes = written.reduce((n, s) => n + Buffer.byteLength(s), 0);
    expect(written.length).toBeLessThan(50);
    expect(bytes).toBeLessThan(100 * 1024);
  });

  it('rotates the log file by size and keeps a few old files', () => {
    const file = tempLog();
    const sink = fileSink(file, { maxBytes: 10_000, keep: 2 });
    const log = createLogger([sink], 'info', 'core', { limits: { perKey: 1_000_000, total: 1_000_000 } });
    for (let i = 0; i < 1000; i++) log.info('line', { i, pad: 'z'.repeat(100) });
    sink.close();
    const dir = path.dirname(file);
    expect(fs.readdirSync(dir).sort()).toEqual(['calldeck.log', 'calldeck.log.1', 'calldeck.log.2']);
    for (const name of fs.readdirSync(dir)) {
      expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(10_000);
    }
    // The newest line is in the live file, the older ones in .1.
    const last = JSON.parse(lines(file).at(-1) ?? '') as LogRecord;
    expect(last.fields?.i).toBe(999);
    const older = JSON.parse(lines(`${file}.1`).at(-1) ?? '') as LogRecord;
    expect(older.fields?.i as number).toBeLessThan(last.fields?.i as number);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a sink that throws does not break the caller', () => {
    const records: LogRecord[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = createLogger(
      [
        () => {
          throw new Error('disk full');
        },
        memorySink(records),
      ],
      'info',
    );
    expect(() => log.error('still logged')).not.toThrow();
    expect(records).toHaveLength(1);
  });
});
