import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/main/core';
import type { JobInfo, JobsList } from '../../../src/shared/jobs';
import { makeTestCore } from '../../helpers/core';

/** Contact imports run as jobs in a real core: listed, followed, cancelled, and after a restart. */

const ok = <T>(r: { ok: true; value: unknown } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(`expected success: ${JSON.stringify(r.error)}`);
  return r.value as T;
};

function csv(rows: number): string {
  const lines = ['Name,Mobile'];
  for (let i = 0; i < rows; i++) lines.push(`Customer ${i},${7000000000 + i}`);
  return lines.join('\n') + '\n';
}

async function upload(core: Core, name: string, content: string): Promise<string> {
  return ok<{ id: string }>(await core.stageUpload(Readable.from([Buffer.from(content)]), name, 50_000_000))
    .id;
}

function jobUpdates(core: Core): JobInfo[] {
  const seen: JobInfo[] = [];
  core.subscribe((event, payload) => {
    if (event === 'job.updated') seen.push(payload as JobInfo);
  });
  return seen;
}

async function until<T>(fn: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

describe('imports as jobs', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('an import is a job: its id is the import id, it reports progress and ends with its summary', async () => {
    const { core, cleanup } = await makeTestCore();
    cleanups.push(cleanup);
    const updates = jobUpdates(core);
    const fileId = await upload(core, 'customers.csv', csv(60_000));
    const { importId } = ok<{ importId: string }>(
      await core.invoke('contacts.startImport', { fileId, listName: 'March' }),
    );
    const end = await until(() => updates.find((u) => u.id === importId && u.state !== 'running'));
    expect(end).toMatchObject({
      kind: 'contacts.import',
      title: 'Import “March” from customers.csv',
      subject: 'list:March',
      actor: 'tester',
      state: 'succeeded',
      summary: '60,000 valid rows, 0 invalid, 0 duplicates',
      result: { listName: 'March', valid: 60_000 },
    });
    expect(end.progress.unit).toBe('bytes');
    expect(end.progress.done).toBe(end.progress.total);
    // Progress went out on the way, throttled.
    const running = updates.filter((u) => u.id === importId && u.state === 'running');
    expect(running.length).toBeGreaterThanOrEqual(1);
    expect(ok<JobInfo>(await core.invoke('jobs.get', { jobId: importId })).state).toBe('succeeded');
    const list = ok<JobsList>(await core.invoke('jobs.list', {}));
    expect(list.running).toEqual([]);
    expect(list.recent.map((j) => j.id)).toEqual([importId]);
    expect(await core.invoke('jobs.get', { jobId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('a failed import ends failed with its typed error; jobs.cancel stops one and nothing is saved', async () => {
    const { core, cleanup } = await makeTestCore();
    cleanups.push(cleanup);
    const updates = jobUpdates(core);
    const first = await upload(core, 'a.csv', csv(10));
    const a = ok<{ importId: string }>(
      await core.invoke('contacts.startImport', { fileId: first, listName: 'Same' }),
    );
    await until(() => updates.find((u) => u.id === a.importId && u.state === 'succeeded'));
    const again = await upload(core, 'b.csv', csv(10));
    const b = ok<{ importId: string }>(
      await core.invoke('contacts.startImport', { fileId: again, listName: 'Same' }),
    );
    const failed = await until(() => updates.find((u) => u.id === b.importId && u.state !== 'running'));
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'list_exists' } });

    const big = await upload(core, 'big.csv', csv(300_000));
    const c = ok<{ importId: string }>(
      await core.invoke('contacts.startImport', { fileId: big, listName: 'Big' }),
    );
    await until(() => updates.find((u) => u.id === c.importId && u.progress.done > 0));
    expect(ok(await core.invoke('jobs.cancel', { jobId: c.importId }))).toEqual({ cancelled: true });
    const cancelled = await until(() => updates.find((u) => u.id === c.importId && u.state !== 'running'));
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      error: { code: 'cancelled', message: 'Cancelled by tester' },
    });
    const lists = ok<{ name: string }[]>(await core.invoke('contacts.lists', {}));
    expect(lists.map((l) => l.name)).toEqual(['Same']);
    expect(ok(await core.invoke('jobs.cancel', { jobId: c.importId }))).toEqual({ cancelled: false });
  });

  it('an import running when the core stops is listed as interrupted, with the reason, after a restart', async () => {
    const first = await makeTestCore();
    const updates = jobUpdates(first.core);
    const fileId = await upload(first.core, 'big.csv', csv(300_000));
    const { importId } = ok<{ importId: string }>(
      await first.core.invoke('contacts.startImport', { fileId, listName: 'Big' }),
    );
    await until(() => updates.find((u) => u.id === importId && u.progress.done > 0));
    await first.core.stop();

    const second = await makeTestCore({ dataDir: first.dir });
    cleanups.push(async () => {
      await second.core.stop();
      await first.cleanup();
    });
    const list = ok<JobsList>(await second.core.invoke('jobs.list', {}));
    expect(list.running).toEqual([]);
    expect(list.recent).toHaveLength(1);
    expect(list.recent[0]).toMatchObject({
      id: importId,
      state: 'interrupted',
      error: { code: 'interrupted', message: expect.stringMatching(/rolled back/) as string },
    });
    expect(list.recent[0]?.progress.done).toBeGreaterThan(0);
    expect(ok<unknown[]>(await second.core.invoke('contacts.lists', {}))).toEqual([]);
  });
});
