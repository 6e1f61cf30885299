import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until, untilAsync } from '../helpers/api-wait';
import { bridgeClient, startServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

// The process-wide fault policy of the real `calldeck serve` (issue 8: one fault must not end the
// process that serves live calls): faults are made inside the running server by a preloaded trigger.

const TRIGGER = path.join(__dirname, 'helpers', 'fault-trigger.cjs');
const running: ServeProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  cleanups.splice(0).forEach((c) => c());
});

async function serveWithTrigger(fault: 'rejection' | 'exception') {
  const { dir, cleanup } = makeTempDir('calldeck-faults-');
  cleanups.push(cleanup);
  const data = path.join(dir, 'data');
  const serve = await startServe(['--data', data, '--port', '0', '--sandbox'], 30_000, {
    nodeArgs: ['--require', TRIGGER],
    env: { CALLDECK_TEST_FAULT: fault },
  });
  running.push(serve);
  const logText = () => {
    try {
      return fs.readFileSync(path.join(data, 'logs', 'calldeck.log'), 'utf8');
    } catch {
      return '';
    }
  };
  return { serve, logText };
}

interface Info {
  processFaults?: { unhandledRejections: number; uncaughtExceptions: number };
}

describe('faults nobody handled in calldeck serve', () => {
  it('an unhandled rejection is logged once with its stack and counted; the server goes on serving', async () => {
    const { serve, logText } = await serveWithTrigger('rejection');
    const api = await bridgeClient(serve);
    try {
      expect((await api.call<Info>('app.info', {})).processFaults).toEqual({
        unhandledRejections: 0,
        uncaughtExceptions: 0,
      });
      process.kill(serve.pid, 'SIGUSR2');
      await until(() => (/unhandled promise rejection/.test(logText()) ? true : undefined), 10_000);
      process.kill(serve.pid, 'SIGUSR2');
      const info = await untilAsync(async () => {
        const i = await api.call<Info>('app.info', {});
        return i.processFaults?.unhandledRejections === 2 ? i : undefined;
      }, 10_000);
      expect(info.processFaults?.uncaughtExceptions).toBe(0);
      // One line per rejection, each with the stack down to the code that rejected.
      const lines = logText()
        .split('\n')
        .filter((l) => l.includes('unhandled promise rejection'));
      expect(lines).toHaveLength(2);
      for (const l of lines) {
        expect(l).toContain('test fault: a rejection nobody handled');
        expect(l).toContain('fault-trigger.cjs');
      }
      // Still serving: the page and the Api answer.
      expect((await fetch(serve.url)).status).toBe(200);
      expect(serve.output()).not.toMatch(/uncaught|stopping/i);
    } finally {
      api.close();
    }
  });

  it('an uncaught exception is logged with its stack, said in one line on stderr, and ends the process (code 70)', async () => {
    const { serve, logText } = await serveWithTrigger('exception');
    process.kill(serve.pid, 'SIGUSR2');
    await until(() => (/uncaught exception, stopping/.test(serve.output()) ? true : undefined), 10_000);
    expect(await serve.stop()).toBe(70);
    expect(serve.output()).toContain(
      'calldeck: uncaught exception, stopping: Error: test fault: an exception nobody caught (stack in the log)',
    );
    const line = logText()
      .split('\n')
      .find((l) => l.includes('uncaught exception'));
    expect(line).toContain('fault-trigger.cjs');
  });
});
