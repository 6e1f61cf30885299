import { afterEach, describe, expect, it } from 'vitest';
import { fliteWasmPath, SoundswallowerAsr, SpeechError } from '../../../src/main/core/speech';
import { FlitePool } from '../../../src/main/core/speech/local/flite-pool';
import { nodeWorkerLauncher, type WorkerLaunch } from '../../../src/main/core/speech/local/worker-launcher';

// Issue 8, finding 1 (second half): a polluted Object.prototype or inherited variables such as
// NODE_OPTIONS reached the flite worker through `env: {...process.env}`, and Node's spawn reads
// inherited keys of `env` too. The worker gets an allow-listed environment, nothing else.

const pools: FlitePool[] = [];
const saved = { ...process.env };
afterEach(async () => {
  delete (Object.prototype as Record<string, unknown>).CALLDECK_POLLUTED;
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  for (const pool of pools.splice(0)) {
    pool.dispose();
    await pool.exited();
  }
});

/** Adds variables to process.env and a key to Object.prototype while `fn` runs (synchronously). */
function hostile<T>(fn: () => T): T {
  process.env.NODE_OPTIONS = '--max-old-space-size=64';
  process.env.CALLDECK_EXTRA = 'inherited';
  (Object.prototype as Record<string, unknown>).CALLDECK_POLLUTED = '--import=data:text/javascript,0';
  try {
    return fn();
  } finally {
    delete (Object.prototype as Record<string, unknown>).CALLDECK_POLLUTED;
  }
}

async function reportedEnv(promise: Promise<unknown>): Promise<string[]> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpeechError);
  const message = (err as SpeechError).message; // "tts/flite: [...]"
  return JSON.parse(message.slice(message.indexOf('['))) as string[];
}

const ALLOWED = process.platform === 'win32' ? ['SYSTEMROOT'] : [];

describe('worker environment', () => {
  it('a flite worker sees only its own variables, even with a polluted prototype and NODE_OPTIONS set', async () => {
    const pool = new FlitePool({
      wasmPath: fliteWasmPath(),
      voice: 'kal',
      size: 1,
      timeoutMs: 15_000,
      injectFault: () => 'env',
    });
    pools.push(pool);
    const keys = await reportedEnv(hostile(() => pool.synthesize(' hello ')));
    expect(keys).toEqual(['CALLDECK_FLITE_WORKER', ...ALLOWED].sort());
  });

  it('an ASR worker thread sees no variables, even with NODE_OPTIONS and others set', async () => {
    const asr = hostile(() => SoundswallowerAsr.load({ asrWorkers: 1, injectFault: () => 'env' }));
    try {
      const silence = { pcm: Buffer.alloc(8000), sampleRate: 8000 };
      const keys = await reportedEnv(
        asr.then((a) => a.recognize(silence, { grammar: { phrases: ['yes'] } })),
      );
      expect(keys).toEqual([]);
    } finally {
      (await asr).dispose();
    }
  });

  it('the default launcher passes exactly the environment it is given', async () => {
    const launch: WorkerLaunch = {
      name: 'probe',
      source: `process.send(Object.keys(process.env).sort(), () => process.exit(0));`,
      env: { ONLY_THIS: '1' },
    };
    const child = hostile(() => nodeWorkerLauncher(launch));
    const keys = await new Promise<unknown>((resolve, reject) => {
      child.on('message', resolve);
      child.on('error', reject);
    });
    expect(keys).toEqual(['ONLY_THIS', ...ALLOWED].sort());
    child.kill();
  });
});
