import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWav, fliteWasmPath, SpeechError } from '../../../src/main/core/speech';
import { FlitePool } from '../../../src/main/core/speech/local/flite-pool';
import type { WorkerFault } from '../../../src/main/core/speech/local/flite-worker-source';
import { utilityProcessLauncher, type UtilityFork } from '../../../src/main/shell/utility-workers';
import { makeTempDir } from '../../helpers/temp-dir';

// The Electron shell starts flite workers as utility processes (so the packaged app's RunAsNode fuse
// can be off). Electron cannot run here: the stand-in fork is a Node child whose script sees
// process.parentPort, as in a utility process.

const require = createRequire(import.meta.url);
const { fork } = require('../../e2e/helpers/fake-electron/utility-process.cjs') as { fork: UtilityFork };

const cleanups: (() => void)[] = [];
const pools: FlitePool[] = [];
afterEach(async () => {
  delete (Object.prototype as Record<string, unknown>).CALLDECK_POLLUTED;
  delete process.env.CALLDECK_EXTRA;
  for (const pool of pools.splice(0)) {
    pool.dispose();
    await pool.exited();
  }
  for (const c of cleanups.splice(0)) c();
});

function utilityPool(fault?: (attempt: number) => WorkerFault | undefined) {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  const workers = path.join(dir, 'workers');
  const pool = new FlitePool({
    wasmPath: fliteWasmPath(),
    voice: 'kal',
    size: 1,
    timeoutMs: 15_000,
    launcher: utilityProcessLauncher(fork, workers),
    injectFault: fault && ((_text, attempt) => fault(attempt)),
  });
  pools.push(pool);
  return { pool, workers };
}

describe('flite workers as (stand-in) Electron utility processes', () => {
  it('synthesizes through parentPort, from a private script file', async () => {
    const { pool, workers } = utilityPool();
    const wav = decodeWav(await pool.synthesize(' hello there '));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.pcm.length).toBeGreaterThan(1000);
    const [script, ...others] = fs.readdirSync(workers);
    expect(others).toEqual([]);
    expect(script).toMatch(/^worker-[0-9a-f]{16}\.cjs$/);
    if (process.platform !== 'win32') {
      expect(fs.statSync(workers).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(workers, script!)).mode & 0o777).toBe(0o600);
    }
  });

  it('gives the worker only its config variable: no ELECTRON_RUN_AS_NODE, nothing inherited', async () => {
    const { pool } = utilityPool(() => 'env');
    process.env.CALLDECK_EXTRA = 'inherited';
    (Object.prototype as Record<string, unknown>).CALLDECK_POLLUTED = 'x';
    const pending = pool.synthesize(' hello ');
    delete (Object.prototype as Record<string, unknown>).CALLDECK_POLLUTED;
    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SpeechError);
    const message = (err as SpeechError).message;
    const keys = JSON.parse(message.slice(message.indexOf('['))) as string[];
    expect(keys).toEqual(['CALLDECK_FLITE_WORKER', ...(process.platform === 'win32' ? ['SYSTEMROOT'] : [])]);
  });

  it('a crashed utility process is replaced and its request retried', async () => {
    const { pool } = utilityPool((attempt) => (attempt === 1 ? 'segv' : undefined));
    const wav = decodeWav(await pool.synthesize(' yes '));
    expect(wav.pcm.length).toBeGreaterThan(1000);
    expect(pool.stats()).toMatchObject({ deaths: 1, retries: 1 });
  });
});
