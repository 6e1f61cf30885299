import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { LogRecord } from '../../src/main/core/logging';
import { memorySink } from '../../src/main/core/logging';
import { startServer, type RunningServer } from '../../src/main/server';
import type { ApiEvents } from '../../src/shared/api/events';
import type { CallAttemptInfo, TelephonyInfo, TestCallResult } from '../../src/shared/telephony';
import type { VoicebotSessionDetail, VoicebotSessionSummary } from '../../src/shared/voicebot';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The whole headless app as an attacker meets it: `calldeck serve`'s host (Api bridge on loopback)
 * and its public surface (callbacks, passthru, voicebot stream), with the sandbox as Exotel and the
 * offline speech stack. Fuzz suites throw hostile input at it, then prove a real call still works.
 */
export interface FuzzApp {
  server: RunningServer;
  dir: string;
  logs: LogRecord[];
  /** `http://127.0.0.1:PORT/exotel/<secret>/` */
  exotelBase: string;
  statusUrl: string;
  passthruUrl: string;
  voicebotUrl: string;
  bridgeUrl: string;
  close(): Promise<void>;
}

/** The callee of the final "a real call still works" check: answers, then says two lines. */
export const WITNESS_NUMBER = '+919800000777';
const WITNESS = {
  number: WITNESS_NUMBER,
  ringSec: 1,
  says: [{ silenceSec: 8 }, { say: 'yes' }, { silenceSec: 20 }, { say: 'confirm' }, { silenceSec: 20 }],
};

export async function startFuzzApp(): Promise<FuzzApp> {
  const tmp = makeTempDir('calldeck-fuzz-');
  const ui = path.join(tmp.dir, 'ui');
  fs.mkdirSync(ui, { recursive: true });
  fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>CallDeck</title>');
  const logs: LogRecord[] = [];
  const server = await startServer({
    dataDir: path.join(tmp.dir, 'data'),
    port: 0,
    host: '127.0.0.1',
    rendererDir: ui,
    version: 'fuzz',
    maxUploadBytes: 1024 * 1024,
    // Never Exotel, whatever a fuzzed settings call stores: nothing may leave the machine.
    telephony: 'sandbox',
    sandboxTimeScale: 0.05,
    sandboxScript: { callees: [WITNESS] },
    logSinks: [memorySink(logs)],
  });
  const info = await invoke<TelephonyInfo>(server, 'telephony.info');
  const exotelBase = info.localUrls.passthru.replace(/passthru$/, '');
  return {
    server,
    dir: tmp.dir,
    logs,
    exotelBase,
    statusUrl: info.localUrls.statusCallback,
    passthruUrl: info.localUrls.passthru,
    voicebotUrl: info.localUrls.voicebot,
    bridgeUrl: `ws://127.0.0.1:${server.port}/bridge?token=${server.token}`,
    close: async () => {
      await server.close();
      tmp.cleanup();
    },
  };
}

export async function invoke<T>(server: RunningServer, channel: string, request: unknown = {}): Promise<T> {
  const result = await server.core.invoke(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

/** Remembers the built-in prototypes' own keys; `check` fails naming any key that appeared. */
export function prototypeGuard(): { check(): void } {
  const before = PROTOTYPES.map(([, proto]) => new Set(Reflect.ownKeys(proto)));
  return {
    check() {
      PROTOTYPES.forEach(([name, proto], i) => {
        const added = Reflect.ownKeys(proto).filter((k) => !before[i]!.has(k));
        expect(added.map(String), `${name} was polluted`).toEqual([]);
      });
      // Inherited keys an attacker would aim at: nothing new is visible on a fresh object.
      const probe = {} as Record<string, unknown>;
      for (const key of ['x', 'y', 'polluted', 'NODE_OPTIONS', 'shell', 'env', 'admin', 'isAdmin']) {
        expect(probe[key], `({}).${key} is inherited`).toBeUndefined();
      }
    },
  };
}

/** Resident memory now, in MB (after a GC when the runtime exposes one). */
export function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
}

/**
 * The proof that the app survived: the public surface answers, and a real test call through the
 * sandbox (flow mode: passthru → voicebot → passthru) completes with the bot and the caller heard.
 */
export async function assertRealCallWorks(app: FuzzApp): Promise<void> {
  const health = await fetch(`${app.exotelBase}health`);
  expect(health.status).toBe(200);

  const { server } = app;
  let ended: ApiEvents['voicebot.sessionEnded'] | undefined;
  let state = '';
  let attemptId = '';
  const unsubscribe = server.core.subscribe((event, payload) => {
    if (event === 'voicebot.sessionEnded') {
      const p = payload as ApiEvents['voicebot.sessionEnded'];
      if (p.attemptId === attemptId) ended = p;
    }
    if (event === 'call.updated') {
      const p = payload as ApiEvents['call.updated'];
      if (p.attempt.id === attemptId) state = p.attempt.state;
    }
  });
  try {
    const placed = await invoke<TestCallResult>(server, 'telephony.placeTestCall', {
      number: WITNESS_NUMBER,
      mode: 'flow',
    });
    expect(placed.outcome.ok).toBe(true);
    attemptId = placed.attempt.id;
    const deadline = Date.now() + 45_000;
    while (!(ended && state === 'completed')) {
      if (Date.now() > deadline)
        throw new Error(`the witness call did not complete in 45 s (state ${state})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const [session] = await invoke<VoicebotSessionSummary[]>(server, 'voicebot.sessions', { attemptId });
    if (!session) throw new Error('the witness call has no voicebot session');
    const detail = await invoke<VoicebotSessionDetail>(server, 'voicebot.session', { id: session.id });
    const heard = detail.lines.filter((l) => l.speaker === 'caller').map((l) => l.text);
    expect(heard).toEqual(['yes', 'confirm']);
    expect(detail.lines.filter((l) => l.speaker === 'bot').length).toBeGreaterThanOrEqual(2);
    const calls = await invoke<CallAttemptInfo[]>(server, 'telephony.recentCalls', {});
    expect(calls.find((c) => c.id === attemptId)?.state).toBe('completed');
  } finally {
    unsubscribe();
  }
}

/** Runs `fn` until `ms` passed or `count` runs: every fuzz loop is bounded in both. */
export const FUZZ_BUDGET = {
  /** Wall-clock cap per property; fast-check stops early (not a failure) when it is reached. */
  timeMs: Number(process.env.CALLDECK_FUZZ_MS ?? 15_000),
  runs: Number(process.env.CALLDECK_FUZZ_RUNS ?? 150),
  /** Reproduce a failure with CALLDECK_FUZZ_SEED=<seed printed by fast-check>. */
  seed: process.env.CALLDECK_FUZZ_SEED ? Number(process.env.CALLDECK_FUZZ_SEED) : undefined,
};

export function fcOptions(runs = FUZZ_BUDGET.runs) {
  return {
    numRuns: runs,
    interruptAfterTimeLimit: FUZZ_BUDGET.timeMs,
    markInterruptAsFailure: false,
    ...(FUZZ_BUDGET.seed !== undefined ? { seed: FUZZ_BUDGET.seed } : {}),
  };
}
