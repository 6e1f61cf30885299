import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultAsrWorkers,
  FliteTts,
  MetricsRecorder,
  SoundswallowerAsr,
  SpeechError,
  type AsrLate,
  type AsrWorkerExit,
  type AsrWorkerFault,
  type Audio,
  type SoundswallowerAsrOptions,
} from '../../../src/main/core/speech';

// soundswallower decodes in worker threads (AsrPool): real workers, real model, real audio from flite.
// A decode past its deadline is still decoded and counted late; a worker that crashes or hangs fails
// only the job it was serving (a typed SpeechError) and is replaced; a decode never holds the event loop.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const GRAMMAR = { phrases: ['yes', 'no', 'confirm', 'cancel it', 'talk to someone'] };
let tts: FliteTts;
let yes: Audio;
let cancel: Audio;
const opened: SoundswallowerAsr[] = [];

/** Faults by job: the n-th decode (from 1) of a recogniser acts out faults[n], if any. */
async function open(
  faults: Record<number, AsrWorkerFault> = {},
  options: SoundswallowerAsrOptions = {},
  metrics?: MetricsRecorder,
): Promise<SoundswallowerAsr> {
  let n = 0;
  const asr = await SoundswallowerAsr.load(
    { asrWorkers: 1, ...options, injectFault: () => faults[++n] },
    metrics?.sink,
  );
  opened.push(asr);
  return asr;
}

async function failure(promise: Promise<unknown>): Promise<SpeechError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpeechError);
  return err as SpeechError;
}

beforeAll(async () => {
  tts = await FliteTts.load();
  const pad = (a: Audio): Audio => ({ ...a, pcm: Buffer.concat([a.pcm, Buffer.alloc(8000 * 0.3 * 2)]) });
  yes = pad(await tts.synthesizeAll('yes', { sampleRate: 8000 }));
  cancel = pad(await tts.synthesizeAll('cancel it', { sampleRate: 8000 }));
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((a) => a.close()));
  await tts?.close();
});

describe('the ASR worker pool', () => {
  it('decodes past the deadline, marks the result late and counts it, never drops it', async () => {
    const metrics = new MetricsRecorder();
    const poolLate: AsrLate[] = [];
    const asr = await open(
      { 1: { slowMs: 400 } },
      { asrDeadlineMs: 150, onAsrLate: (l) => poolLate.push(l) },
      metrics,
    );
    const jobLate: AsrLate[] = [];
    const first = asr.recognize(yes, { grammar: GRAMMAR, onLate: (l) => jobLate.push(l) });
    // The second waits behind the slow one (one worker): late while still queued.
    const second = asr.recognize(cancel, { grammar: GRAMMAR });
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ text: 'yes', late: true });
    expect(b).toMatchObject({ text: 'cancel it', late: true });
    expect(b.queueMs).toBeGreaterThanOrEqual(300);
    expect(jobLate).toEqual([{ deadlineMs: 150, queued: false, waiting: 1 }]);
    expect(poolLate).toHaveLength(2);
    expect(poolLate[1]).toMatchObject({ queued: true });
    expect(metrics.of('asr').map((m) => m.late)).toEqual([true, true]);
    // On time afterwards: not late, and not counted.
    expect(await asr.recognize(yes, { grammar: GRAMMAR })).toMatchObject({ text: 'yes', late: false });
    expect(asr.stats()).toMatchObject({ jobs: 3, late: 2, crashes: 0 });
  }, 60_000);

  it('a job may carry its own deadline', async () => {
    const asr = await open({ 1: { slowMs: 200 } }, { asrDeadlineMs: 5000 });
    const r = await asr.recognize(yes, { grammar: GRAMMAR, deadlineMs: 50 });
    expect(r.late).toBe(true);
    expect(asr.stats().late).toBe(1);
  }, 60_000);

  it('a job asked for ahead of need has its lead added to the deadline', async () => {
    const asr = await open({ 1: { slowMs: 200 }, 2: { slowMs: 200 } }, { asrDeadlineMs: 100 });
    expect(await asr.recognize(yes, { grammar: GRAMMAR, leadMs: 1000 })).toMatchObject({ late: false });
    expect(await asr.recognize(yes, { grammar: GRAMMAR })).toMatchObject({ late: true });
    expect(asr.stats().late).toBe(1);
  }, 60_000);

  it('waiting decodes go by deadline: a live turn passes work that may wait', async () => {
    const asr = await open({ 1: { slowMs: 300 } });
    const order: string[] = [];
    const done = (what: string) => (r: { text: string }) => order.push(`${what}: ${r.text}`);
    const busy = asr.recognize(yes, { grammar: GRAMMAR }).then(done('busy'));
    // Both wait for the one worker; the one queued first may wait a minute, the other 400 ms.
    const scoring = asr.recognize(cancel, { grammar: GRAMMAR, deadlineMs: 60_000 }).then(done('scoring'));
    const live = asr.recognize(yes, { grammar: GRAMMAR, deadlineMs: 400 }).then(done('live'));
    await Promise.all([busy, scoring, live]);
    expect(order).toEqual(['busy: yes', 'live: yes', 'scoring: cancel it']);
  }, 60_000);

  it('a worker that crashes fails only its job, with a typed error, and is replaced', async () => {
    const exits: AsrWorkerExit[] = [];
    const asr = await open({ 2: 'crash' }, { asrWorkers: 2, onAsrWorkerExit: (e) => exits.push(e) });
    const [ok, crashed, after] = await Promise.allSettled([
      asr.recognize(yes, { grammar: GRAMMAR }),
      asr.recognize(cancel, { grammar: GRAMMAR }),
      asr.recognize(cancel, { grammar: GRAMMAR }),
    ]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: { text: 'yes' } });
    expect(after).toMatchObject({ status: 'fulfilled', value: { text: 'cancel it' } });
    expect(crashed.status).toBe('rejected');
    const err = (crashed as PromiseRejectedResult).reason as unknown;
    expect(err).toBeInstanceOf(SpeechError);
    expect(err).toMatchObject({ kind: 'provider', role: 'asr', provider: 'soundswallower' });
    expect((err as SpeechError).message).toMatch(/asr worker crashed: injected crash/);
    expect(exits).toEqual([expect.objectContaining({ failedJob: true, reason: 'crashed: injected crash' })]);
    // The pool is whole again and keeps decoding.
    expect(await asr.recognize(yes, { grammar: GRAMMAR })).toMatchObject({ text: 'yes' });
    expect(asr.stats()).toMatchObject({ crashes: 1, spawned: 3, workers: 2 });
  }, 60_000);

  it('a worker stuck past asrStuckMs is ended: its job fails, the next decodes', async () => {
    const asr = await open({ 1: 'hang' }, { asrStuckMs: 300 });
    const t0 = performance.now();
    const err = await failure(asr.recognize(yes, { grammar: GRAMMAR }));
    expect(err.kind).toBe('provider');
    expect(err.message).toMatch(/stuck for more than 300 ms/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(await asr.recognize(cancel, { grammar: GRAMMAR })).toMatchObject({ text: 'cancel it' });
    expect(asr.stats()).toMatchObject({ timeouts: 1, crashes: 1 });
  }, 60_000);

  it('a slow decode does not hold the event loop', async () => {
    const asr = await open({ 1: { slowMs: 600 } });
    let last = performance.now();
    let worstGap = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    try {
      expect(await asr.recognize(yes, { grammar: GRAMMAR })).toMatchObject({ text: 'yes' });
    } finally {
      clearInterval(tick);
    }
    // On the event loop, the decode alone would be a 600 ms gap.
    expect(worstGap).toBeLessThan(150);
  }, 60_000);

  it('compiles a grammar once per decoder: the same grammar again is no switch', async () => {
    const asr = await open();
    const other = { phrases: ['monday', 'tuesday', 'yes'] };
    await asr.recognize(yes, { grammar: GRAMMAR });
    await asr.recognize(cancel, { grammar: GRAMMAR });
    await asr.recognize(yes, { grammar: { phrases: [...GRAMMAR.phrases] } }); // equal text, new object
    expect(asr.stats().switches).toBe(1);
    expect(await asr.recognize(yes, { grammar: other })).toMatchObject({ text: 'yes' });
    expect(asr.stats().switches).toBe(2);
  }, 60_000);

  it('an aborted job rejects as aborted; disposing fails what waits as unavailable', async () => {
    const asr = await open({ 1: { slowMs: 300 } });
    const busy = asr.recognize(yes, { grammar: GRAMMAR });
    const controller = new AbortController();
    const queued = asr.recognize(cancel, { grammar: GRAMMAR, signal: controller.signal });
    controller.abort();
    expect((await failure(queued)).kind).toBe('aborted');
    const waiting = asr.recognize(cancel, { grammar: GRAMMAR });
    asr.dispose();
    expect((await failure(busy)).kind).toBe('unavailable');
    expect((await failure(waiting)).kind).toBe('unavailable');
    expect((await failure(asr.recognize(yes, { grammar: GRAMMAR }))).kind).toBe('unavailable');
  }, 60_000);

  it('a script awaiting the recogniser is kept alive while the model loads and while it decodes', async () => {
    // Before: workers were unref'd while loading, so a CLI process exited mid-load, printing nothing.
    const child = spawn(
      path.join(ROOT, 'node_modules', '.bin', 'jiti'),
      [path.join(import.meta.dirname, 'asr-cli-child.ts')],
      {
        cwd: ROOT,
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toBe('heard: cancel it\n');
    expect(code).toBe(0);
  }, 60_000);

  it('starts one decoder per core by default, each thread niced under the event loop', async () => {
    const asr = await SoundswallowerAsr.load();
    opened.push(asr);
    const size = Math.min(8, Math.max(1, os.availableParallelism()));
    expect(defaultAsrWorkers()).toBe(size);
    expect(asr.stats()).toMatchObject({ size, workers: size });
    if (process.platform !== 'linux') return;
    // Linux keeps a niceness per thread (field 19 of /proc/<pid>/task/<tid>/stat).
    const nice = fs.readdirSync(`/proc/${process.pid}/task`).map((tid) => {
      const stat = fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    expect(nice.filter((n) => n === 10).length).toBeGreaterThanOrEqual(size); // other tests’ pools may be open
    expect(os.getPriority()).toBe(0); // this thread (the event loop) keeps its priority
  }, 60_000);

  it('a model that cannot load is unavailable at load, and leaves no worker behind', async () => {
    const err = await failure(SoundswallowerAsr.load({ asrModelBase: '/nonexistent/model/' }));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/cannot load/);
  }, 60_000);
});
