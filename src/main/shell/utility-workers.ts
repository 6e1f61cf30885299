import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { ForkOptions, UtilityProcess } from 'electron';
import { workerEnv, type WorkerLauncher, type WorkerProcess } from '../core';

/** Electron's `utilityProcess.fork` (passed in, so this file runs under the stand-in Electron too). */
export type UtilityFork = (modulePath: string, args: string[], options: ForkOptions) => UtilityProcess;

/**
 * Speech workers as Electron utility processes: the packaged app never starts its own binary with
 * the "run as Node" variable, so its RunAsNode fuse is off (see electron-builder.yml). A utility process
 * runs a file, so each worker source is written once into `dir` (0700), named by its hash.
 */
export function utilityProcessLauncher(fork: UtilityFork, dir: string): WorkerLauncher {
  const scripts = new Map<string, string>();
  const scriptFor = (source: string): string => {
    const known = scripts.get(source);
    if (known) return known;
    const file = path.join(
      dir,
      `worker-${createHash('sha256').update(source).digest('hex').slice(0, 16)}.cjs`,
    );
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written whole then renamed, so a worker never runs a half-written file.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, source, { mode: 0o600 });
    fs.renameSync(partial, file);
    scripts.set(source, file);
    return file;
  };
  return (launch) =>
    adapt(
      fork(scriptFor(launch.source), [], {
        env: workerEnv(launch.env),
        serviceName: `CallDeck ${launch.name}`,
        stdio: 'inherit',
      }),
    );
}

/** A utility process as the pool's WorkerProcess: messages wait for 'spawn', exits carry no signal. */
function adapt(child: UtilityProcess): WorkerProcess {
  const events = new EventEmitter();
  let spawned = false;
  const pending: unknown[] = [];
  child.on('spawn', () => {
    spawned = true;
    for (const message of pending.splice(0)) child.postMessage(message);
  });
  child.on('message', (message: unknown) => events.emit('message', message));
  child.on('exit', (code) => events.emit('exit', code, null));
  child.on('error', (type, location) => events.emit('error', new Error(`${type} in ${location}`)));
  return {
    get pid() {
      return child.pid;
    },
    on: ((event: string, listener: (...args: unknown[]) => void) =>
      events.on(event, listener)) as WorkerProcess['on'],
    send(message, callback) {
      if (!spawned) {
        pending.push(message);
        callback(null);
        return;
      }
      try {
        child.postMessage(message);
        callback(null);
      } catch (err) {
        callback(err instanceof Error ? err : new Error(String(err)));
      }
    },
    kill() {
      child.kill();
    },
    // Utility processes belong to the app's lifecycle, not to the main process's event loop.
    setActive() {},
  };
}
