import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  decodeWav,
  FliteTts,
  fliteWasmPath,
  MetricsRecorder,
  SpeechError,
  type FliteTtsOptions,
  type FliteWorkerExit,
  type SpeechErrorKind,
} from '../../../src/main/core/speech';
import {
  FLITE_WORKER_SOURCE,
  WORKER_CONFIG_ENV,
  workerReplySchema,
} from '../../../src/main/core/speech/local/flite-worker-source';
import { makeTempDir } from '../../helpers/temp-dir';

// flite runs in child processes because Node's WASI segfaults now and then (nodejs/node#52402). These
// tests make real workers die (SIGSEGV, exit 139, hang) and show the host only ever sees typed errors.
// Node's own crash can also strike any synthesis here (~1 in 900), so death and retry counts are lower
// bounds; what is exact is the audio, the errors, and the timeouts.

const A = 'please cancel my appointment';
const B = 'yes i will be there on monday';
const C = 'no thank you';
const reference = new Map<string, Buffer>();
const opened: FliteTts[] = [];

async function open(options: FliteTtsOptions = {}, metrics?: MetricsRecorder): Promise<FliteTts> {
  const tts = await FliteTts.load(options, metrics?.sink);
  opened.push(tts);
  return tts;
}

async function say(tts: FliteTts, text: string, signal?: AbortSignal): Promise<Buffer> {
  return (await tts.synthesizeAll(text, { sampleRate: 8000, signal })).pcm;
}

async function failure(promise: Promise<unknown>, kind: SpeechErrorKind): Promise<SpeechError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpeechError);
  expect((err as SpeechError).kind).toBe(kind);
  return err as SpeechError;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const tts = await open();
  for (const s of [A, B, C]) reference.set(s, await say(tts, s));
});

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
});

describe('flite worker pool', () => {
  it('retries a request whose worker segfaults on a fresh worker; the next synthesis works too', async () => {
    const exits: FliteWorkerExit[] = [];
    const metrics = new MetricsRecorder();
    const tts = await open(
      {
        injectFault: (s, attempt) => (s === 'Two.' && attempt === 1 ? 'segv' : undefined),
        onTtsWorkerExit: (e) => exits.push(e),
      },
      metrics,
    );
    const first = await say(tts, A);
    // The second sentence's worker dies mid-request; the stream still delivers all three sentences.
    const chunks: Buffer[] = [];
    for await (const c of tts.synthesize('One. Two. Three.', { sampleRate: 8000 })) chunks.push(c);
    expect(chunks).toHaveLength(3);
    const segv = exits.filter((e) => e.signal === 'SIGSEGV' && e.code === null && e.retried);
    expect(segv.length).toBeGreaterThanOrEqual(1);
    const stats = tts.stats();
    expect(stats.deaths).toBeGreaterThanOrEqual(1);
    expect(stats).toMatchObject({ spawned: stats.deaths + 1, retries: stats.deaths, timeouts: 0 });
    const dead = exits.map((e) => e.pid as number);
    expect(dead.filter((pid) => alive(pid) || stats.pids.includes(pid))).toEqual([]);
    // Synthesis is pure: the retried worker's audio is what any worker says.
    expect(first.equals(reference.get(A) as Buffer)).toBe(true);
    expect((await say(tts, B)).equals(reference.get(B) as Buffer)).toBe(true);
    expect(metrics.of('tts').map((m) => m.ok)).toEqual([true, true, true]);
  });

  it('fails with a typed error when the retry dies too, records it, and keeps serving', async () => {
    const metrics = new MetricsRecorder();
    const tts = await open({ injectFault: (s) => (s === B ? 'exit' : undefined) }, metrics);
    const err = await failure(say(tts, B), 'provider');
    expect(err.message).toMatch(/flite worker failed twice; last: exited with code 139/);
    expect(metrics.of('tts').at(-1)).toMatchObject({ ok: false, errorKind: 'provider' });
    expect((await say(tts, C)).equals(reference.get(C) as Buffer)).toBe(true);
    expect(tts.stats().deaths).toBeGreaterThanOrEqual(2);
    expect(tts.stats().retries).toBeGreaterThanOrEqual(1);
  });

  it('kills a stuck worker after the timeout and retries its request once', async () => {
    const exits: FliteWorkerExit[] = [];
    const tts = await open({
      ttsTimeoutMs: 1000, // also bounds the healthy requests, on a loaded 2-core machine
      injectFault: (s, attempt) => ((s === A && attempt === 1) || s === B ? 'hang' : undefined),
      onTtsWorkerExit: (e) => exits.push(e),
    });
    expect((await say(tts, A)).equals(reference.get(A) as Buffer)).toBe(true);
    expect(exits[0]).toMatchObject({
      signal: 'SIGKILL',
      reason: 'stuck for more than 1000 ms',
      retried: true,
    });
    const err = await failure(say(tts, B), 'provider');
    expect(err.message).toMatch(/stuck for more than 1000 ms/);
    expect(tts.stats().timeouts).toBe(3);
    expect(tts.stats().retries).toBeGreaterThanOrEqual(2);
    expect((await say(tts, C)).equals(reference.get(C) as Buffer)).toBe(true);
  });

  it('serves concurrent requests on several workers while one of them crashes', async () => {
    const tts = await open({
      ttsWorkers: 2,
      injectFault: (s, attempt) => (s === B && attempt === 1 ? 'segv' : undefined),
    });
    const texts = [A, B, C, A, C, B, A];
    const out = await Promise.all(texts.map((t) => say(tts, t)));
    out.forEach((pcm, i) => expect(pcm.equals(reference.get(texts[i] as string) as Buffer)).toBe(true));
    const stats = tts.stats();
    expect(stats.pids.length).toBeLessThanOrEqual(2);
    expect(stats.deaths).toBeGreaterThanOrEqual(2); // B was asked twice, each first attempt crashed
    expect(stats.retries).toBeGreaterThanOrEqual(2);
  });

  it('cancels in flight: the aborted call ends at once and its late answer goes nowhere', async () => {
    const tts = await open();
    const ctrl = new AbortController();
    const aborted = say(tts, A, ctrl.signal);
    await new Promise((r) => setImmediate(r)); // the request is now with the worker
    ctrl.abort();
    await failure(aborted, 'aborted');
    // The next request waits for the same worker, which first answers the dropped one.
    expect((await say(tts, B)).equals(reference.get(B) as Buffer)).toBe(true);
    expect(tts.stats().timeouts).toBe(0);
  });

  it('cancels a request stuck in a worker at once; the watchdog frees the worker later', async () => {
    const attempts: string[] = [];
    const tts = await open({
      ttsTimeoutMs: 1000,
      injectFault: (s, attempt) => {
        attempts.push(`${s}#${attempt}`);
        return s === A ? 'hang' : undefined;
      },
    });
    const ctrl = new AbortController();
    const stuck = say(tts, A, ctrl.signal);
    const queued = new AbortController();
    const waiting = say(tts, C, queued.signal); // queued behind the stuck one
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    ctrl.abort();
    queued.abort();
    await failure(stuck, 'aborted');
    await failure(waiting, 'aborted');
    // Well under the 1,000 ms ttsTimeoutMs: the abort itself ended both, not the timeout (slack for a loaded CI).
    expect(performance.now() - t0).toBeLessThan(400);
    expect((await say(tts, B)).equals(reference.get(B) as Buffer)).toBe(true);
    expect(tts.stats().timeouts).toBe(1);
    expect(attempts.filter((a) => a.startsWith(A))).toEqual([`${A}#1`]); // a cancelled request is not retried
  });

  it('dispose kills every worker and fails pending and later work as unavailable', async () => {
    const tts = await open({ ttsWorkers: 2 });
    await Promise.all([say(tts, A), say(tts, B)]);
    const pids = tts.stats().pids;
    expect(pids).toHaveLength(2);
    const pending = [say(tts, A), say(tts, B), say(tts, C)];
    await new Promise((r) => setImmediate(r));
    tts.dispose();
    for (const p of pending) await failure(p, 'unavailable');
    await tts.close();
    expect(pids.filter(alive)).toEqual([]);
    expect(tts.stats().pids).toEqual([]);
    await failure(say(tts, A), 'unavailable');
  });

  it('reports a flite.wasm that cannot run, and rejects bad options', async () => {
    const { dir, cleanup } = makeTempDir('flite-bad-');
    onTestFinished(cleanup);
    const notWasm = path.join(dir, 'readme.txt');
    fs.writeFileSync(notWasm, 'hello');
    await failure(FliteTts.load({ fliteWasm: notWasm }), 'unavailable');
    await failure(FliteTts.load({ fliteWasm: path.join(dir, 'missing.wasm') }), 'unavailable');
    await failure(FliteTts.load({ ttsWorkers: 0 }), 'bad_input');
    // Right magic, broken body: every worker dies while compiling; the caller gets a typed error.
    const broken = path.join(dir, 'broken.wasm');
    fs.writeFileSync(
      broken,
      Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(64, 7)]),
    );
    const tts = await open({ fliteWasm: broken });
    const err = await failure(say(tts, A), 'provider');
    expect(err.message).toMatch(/failed twice; last: cannot start: WebAssembly.Module\(\): expected/);
  });

  it('runs its worker source standalone: bare env, foreign cwd, no TypeScript, as in the bundled app', async () => {
    const { dir, cleanup } = makeTempDir('flite-bare-');
    onTestFinished(cleanup);
    const config = { wasmPath: fliteWasmPath(), voice: 'kal', dir };
    const child = spawn(process.execPath, ['-e', FLITE_WORKER_SOURCE], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { PATH: process.env.PATH, ELECTRON_RUN_AS_NODE: '1', [WORKER_CONFIG_ENV]: JSON.stringify(config) },
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const replies: unknown[] = [];
    const done = new Promise<void>((r) =>
      child.on('message', (m) => {
        replies.push(m);
        if (replies.length === 2) r();
      }),
    );
    child.send({ type: 'synth', id: 7, text: ` ${C} ` });
    await done;
    const [ready, answer] = replies.map((m) => workerReplySchema.parse(m));
    expect(ready).toEqual({ type: 'ready' });
    expect(answer).toMatchObject({ type: 'done', id: 7 });
    const pcm = answer?.type === 'done' ? decodeWav(answer.wav).pcm : Buffer.alloc(0);
    expect(pcm.equals(reference.get(C) as Buffer)).toBe(true);
    child.disconnect(); // a worker whose parent is gone removes its folder and exits by itself
    expect(await exited).toBe(0);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
