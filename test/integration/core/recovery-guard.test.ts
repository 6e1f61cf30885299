import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, MemorySecretStore, type Core } from '../../../src/main/core';
import { CallStateService } from '../../../src/main/core/calls';
import { memorySink, silentLogger, type LogRecord } from '../../../src/main/core/logging';
import { CallsRepository, openDatabase } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

// Start-up recovery settles what a crash left open, but never what another running CallDeck has
// open on the same data folder (e.g. `calldeck voicebot` started next to the app). Each host that
// takes calls leaves run/<pid>.pid; a mark whose process is alive holds recovery off.

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(dataDir: string, logs: LogRecord[]): Promise<Core> {
  const core = await createCore({
    dataDir,
    host: 'server',
    secrets: new MemorySecretStore(),
    actor: 'tester',
    version: '0.0.0-test',
    logSinks: [memorySink(logs)],
    telephony: 'sandbox',
  });
  cleanups.push(() => core.stop());
  return core;
}

/** A call attempt left in progress (no provider id), written as a crashed run would have. */
function leaveOpenCall(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(path.join(dataDir, 'calldeck.sqlite'));
  try {
    const calls = new CallStateService(new CallsRepository(db), silentLogger);
    const a = calls.createAttempt({ number: '+919876543210', mode: 'flow', provider: 'sandbox' });
    calls.record(a.id, 'dialer', { type: 'dial_requested' });
    calls.record(a.id, 'passthru', { type: 'answered' });
    return a.id;
  } finally {
    db.close();
  }
}

async function stateOf(core: Core, id: string): Promise<string | undefined> {
  const res = await core.invoke('telephony.recentCalls', { limit: 10 });
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { id: string; state: string }[]).find((c) => c.id === id)?.state;
}

async function until(pred: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('start-up recovery and other CallDeck processes on the same folder', () => {
  it('leaves calls alone while another host that takes calls is alive, settles them once it is gone', async () => {
    const tmp = makeTempDir();
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'data');
    const id = leaveOpenCall(dataDir);
    // Another CallDeck (a live process) has marked the folder.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    cleanups.push(() => void other.kill('SIGKILL'));
    if (other.pid === undefined) throw new Error('no child process');
    fs.mkdirSync(path.join(dataDir, 'run'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'run', `${other.pid}.pid`), 'x');

    const logs: LogRecord[] = [];
    const first = await start(dataDir, logs);
    await new Promise((r) => setTimeout(r, 300));
    expect(await stateOf(first, id)).toBe('in_progress');
    expect(logs.find((l) => l.message.startsWith('another CallDeck takes calls'))?.fields).toMatchObject({
      pids: [other.pid],
    });
    expect(fs.existsSync(path.join(dataDir, 'run', `${process.pid}.pid`))).toBe(true);
    await first.stop();
    expect(fs.existsSync(path.join(dataDir, 'run', `${process.pid}.pid`))).toBe(false);

    // The other process is gone (a crash: its mark stays): the next start settles the call.
    await new Promise<void>((resolve) => {
      other.once('exit', () => resolve());
      other.kill('SIGKILL');
    });
    const second = await start(dataDir, []);
    await until(async () => (await stateOf(second, id)) === 'interrupted');
    expect(fs.existsSync(path.join(dataDir, 'run', `${other.pid}.pid`))).toBe(false);
  }, 60_000);
});
