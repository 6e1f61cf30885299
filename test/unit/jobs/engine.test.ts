import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobInfo } from '../../../src/shared/jobs';
import { JobEngine, JobError, type JobContext, type JobKind } from '../../../src/main/core/jobs';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { JobsRepository, openDatabase, type Db } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A kind whose run is driven by the test: it counts to `n`, one step per `stepMs`. */
function countingKind(
  name: string,
  restart: JobKind<unknown, unknown>['restart'],
  body?: (input: { n: number; stepMs: number }, ctx: JobContext) => Promise<unknown>,
): JobKind<{ n: number; stepMs: number }, { counted: number }> {
  return {
    name,
    restart,
    unit: 'steps',
    input: z.object({ n: z.number().int(), stepMs: z.number() }).strict(),
    async run(input, ctx) {
      if (body) return (await body(input, ctx)) as { counted: number };
      for (let i = 1; i <= input.n; i++) {
        if (ctx.signal.aborted) throw new Error('stopped');
        await sleep(input.stepMs);
        ctx.progress({ done: i, total: input.n, note: `step ${i}` });
      }
      return { counted: input.n };
    },
    summarize: (r) => `${r.counted} counted`,
  };
}

describe('job engine', () => {
  let cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.reverse()) c();
    cleanups = [];
  });

  function setup(dir?: string) {
    const tmp = dir ? { dir, cleanup: () => {} } : makeTempDir();
    const db: Db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
    const updates: JobInfo[] = [];
    const emittedAt: number[] = [];
    const logs: LogRecord[] = [];
    const engine = new JobEngine({
      repo: new JobsRepository(db),
      log: createLogger([memorySink(logs)], 'debug'),
      onUpdate: (j) => {
        updates.push(j);
        emittedAt.push(Date.now());
      },
    });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await engine.stop();
      db.close();
    };
    cleanups.push(() => void close().then(tmp.cleanup));
    return { engine, db, updates, emittedAt, logs, dir: tmp.dir, close };
  }

  it('runs a job to its result, stores the row and lists it after it ends', async () => {
    const { engine, db, updates } = setup();
    const kind = countingKind('count', { action: 'interrupt', reason: 'gone' });
    engine.register(kind);
    const job = engine.start(
      kind,
      { n: 5, stepMs: 5 },
      { title: 'Count to 5', subject: 'n:5', actor: 'ana' },
    );
    expect(job.state).toBe('running');
    expect(engine.list({ recent: 10 }).running.map((j) => j.id)).toEqual([job.id]);
    const end = await engine.whenDone(job.id);
    expect(end).toMatchObject({
      state: 'succeeded',
      summary: '5 counted',
      result: { counted: 5 },
      error: null,
      actor: 'ana',
      subject: 'n:5',
    });
    expect(end?.progress).toMatchObject({ done: 5, total: 5, unit: 'steps', etaMs: null });
    expect(end?.finishedAt).not.toBeNull();
    const row = db.prepare('SELECT state, summary, result FROM jobs WHERE id = ?').get(job.id);
    expect(row).toEqual({ state: 'succeeded', summary: '5 counted', result: '{"counted":5}' });
    expect(engine.list({ recent: 10 })).toMatchObject({ running: [], recent: [{ id: job.id }] });
    expect(updates[0]?.state).toBe('running');
    expect(updates.at(-1)?.state).toBe('succeeded');
  });

  it('throttles progress to about ten updates a second per job, and the last one still goes out', async () => {
    const { engine, updates, emittedAt } = setup();
    const kind = countingKind('burst', { action: 'interrupt', reason: 'gone' }, async (_input, ctx) => {
      const started = Date.now();
      let i = 0;
      // Reports as fast as it can for 600 ms: thousands of reports.
      while (Date.now() - started < 600) {
        i++;
        ctx.progress({ done: i, total: 1_000_000 });
        if (i % 500 === 0) await sleep(0);
      }
      ctx.progress({ done: i + 1, total: 1_000_000, note: 'last' });
      await sleep(250); // the trailing update fires inside this window
      return { counted: i + 1 };
    });
    engine.register(kind);
    const job = engine.start(kind, { n: 0, stepMs: 0 }, { title: 'Burst', actor: 'ana' });
    const end = await engine.whenDone(job.id);
    const progressAt = emittedAt.filter((_, k) => updates[k]?.state === 'running').slice(1);
    const progressUpdates = updates.filter((u) => u.state === 'running').slice(1);
    expect(end?.result).toMatchObject({ counted: expect.any(Number) as number });
    const reports = (end?.result as { counted: number }).counted;
    expect(reports).toBeGreaterThan(1000);
    // 850 ms of running at one update per 100 ms, plus the start: never hundreds.
    expect(progressUpdates.length).toBeLessThanOrEqual(11);
    expect(progressUpdates.length).toBeGreaterThanOrEqual(4);
    for (let k = 1; k < progressUpdates.length; k++) {
      expect(progressAt[k]! - progressAt[k - 1]!).toBeGreaterThanOrEqual(95);
    }
    expect(progressUpdates.at(-1)?.progress).toMatchObject({ done: reports, note: 'last' });
    // A time left is estimated once the job has run a while.
    expect(progressUpdates.at(-1)?.progress.etaMs).toBeGreaterThan(0);
  });

  it('cancels a running job: its signal aborts and it ends cancelled, naming who cancelled', async () => {
    const { engine, db } = setup();
    let sawAbort = false;
    const kind = countingKind('slow', { action: 'interrupt', reason: 'gone' }, async (_i, ctx) => {
      await new Promise<void>((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(new Error('aborted'));
        }),
      );
      return { counted: 0 };
    });
    engine.register(kind);
    const job = engine.start(kind, { n: 1, stepMs: 1 }, { title: 'Slow', actor: 'ana' });
    await sleep(20);
    expect(engine.cancel(job.id, 'bob')).toBe(true);
    const end = await engine.whenDone(job.id);
    expect(sawAbort).toBe(true);
    expect(end).toMatchObject({
      state: 'cancelled',
      error: { code: 'cancelled', message: 'Cancelled by bob' },
    });
    expect(engine.cancel(job.id, 'bob')).toBe(false);
    expect(engine.cancel('no-such-job', 'bob')).toBe(false);
    expect(db.prepare('SELECT state, error_code FROM jobs').get()).toEqual({
      state: 'cancelled',
      error_code: 'cancelled',
    });
  });

  it('ends with a typed error: a JobError keeps its code, a kind names its own, anything else is internal', async () => {
    const { engine, logs } = setup();
    class Refused extends Error {}
    const kinds = {
      typed: countingKind('typed', { action: 'interrupt', reason: 'gone' }, () =>
        Promise.reject(new JobError('list_exists', 'A list named “X” already exists')),
      ),
      known: {
        ...countingKind('known', { action: 'interrupt', reason: 'gone' }, () =>
          Promise.reject(new Refused('no room')),
        ),
        failure: (err: unknown) =>
          err instanceof Refused ? { code: 'no_room', message: err.message } : undefined,
      },
      unknown: countingKind('unknown', { action: 'interrupt', reason: 'gone' }, () =>
        Promise.reject(new TypeError('x is undefined')),
      ),
    };
    for (const k of Object.values(kinds)) engine.register(k);
    const meta = { title: 't', actor: 'ana' };
    const ends = await Promise.all(
      Object.values(kinds).map((k) => engine.whenDone(engine.start(k, { n: 0, stepMs: 0 }, meta).id)),
    );
    expect(ends.map((e) => [e?.state, e?.error?.code])).toEqual([
      ['failed', 'list_exists'],
      ['failed', 'no_room'],
      ['failed', 'internal'],
    ]);
    expect(ends[2]?.error?.message).toMatch(/x is undefined/);
    // Only the unexpected failure is logged as an error.
    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['job failed']);
  });

  it('after a restart on the same data folder, a job left running is interrupted or resumed as its kind declares', async () => {
    const first = setup();
    const interruptKind = countingKind('import-like', {
      action: 'interrupt',
      reason: 'CallDeck stopped during the import; nothing was saved.',
    });
    const resumeKind = countingKind('campaign-like', { action: 'resume' });
    first.engine.register(interruptKind);
    first.engine.register(resumeKind);
    const a = first.engine.start(interruptKind, { n: 1000, stepMs: 5 }, { title: 'Import', actor: 'ana' });
    const b = first.engine.start(resumeKind, { n: 1000, stepMs: 5 }, { title: 'Campaign', actor: 'ana' });
    await sleep(1200); // long enough for progress to be written to the rows
    await first.close();
    // A clean stop already ends the import-like job; the campaign-like one waits for the next start.
    const rows = (db: Db) =>
      db.prepare('SELECT id, state, error_message, resumes FROM jobs ORDER BY title').all() as {
        id: string;
        state: string;
        error_message: string | null;
        resumes: number;
      }[];

    const second = setup(first.dir);
    expect(rows(second.db).map((r) => [r.id, r.state])).toEqual([
      [b.id, 'running'],
      [a.id, 'interrupted'],
    ]);
    expect(rows(second.db)[1]?.error_message).toBe('CallDeck stopped during the import; nothing was saved.');
    let resumedFrom = -1;
    const resumeAgain: typeof resumeKind = {
      ...resumeKind,
      run: async (input, ctx) => {
        resumedFrom = second.engine.get(ctx.id)?.progress.done ?? -1;
        expect(ctx.resumed).toBe(true);
        await sleep(1);
        ctx.progress({ done: input.n, total: input.n });
        return { counted: input.n };
      },
    };
    second.engine.register(resumeAgain);
    second.engine.register(interruptKind);
    expect(second.engine.recover()).toEqual({ resumed: [b.id], interrupted: [] });
    const end = await second.engine.whenDone(b.id);
    expect(end).toMatchObject({ state: 'succeeded', resumes: 1, result: { counted: 1000 } });
    // It went on from the progress stored before the stop, not from zero.
    expect(resumedFrom).toBeGreaterThan(0);
  });

  it('a job whose process died (kill -9) is interrupted with its kind’s reason at the next start', async () => {
    const first = setup();
    const kind = countingKind('import-like', {
      action: 'interrupt',
      reason: 'Import interrupted: rolled back.',
    });
    first.engine.register(kind);
    const job = first.engine.start(kind, { n: 1000, stepMs: 5 }, { title: 'Import', actor: 'ana' });
    await sleep(30);
    // A second engine on the same folder leaves a job that a live engine runs alone.
    const second = setup(first.dir);
    second.engine.register(kind);
    expect(second.engine.recover()).toEqual({ resumed: [], interrupted: [] });
    // What a crash leaves: the row still running, owned by a process that no longer exists.
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    expect(Number(dead)).toBeGreaterThan(0);
    first.db.prepare('UPDATE jobs SET owner = ? WHERE id = ?').run(`${dead}:crashed-run`, job.id);
    expect(second.engine.recover()).toEqual({ resumed: [], interrupted: [job.id] });
    expect(second.engine.get(job.id)).toMatchObject({
      state: 'interrupted',
      error: { code: 'interrupted', message: 'Import interrupted: rolled back.' },
    });
    expect(second.updates.at(-1)).toMatchObject({ id: job.id, state: 'interrupted' });
  });
});
