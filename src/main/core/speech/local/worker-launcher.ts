import { spawn, type SpawnOptions } from 'node:child_process';

/** A worker's environment: exactly these variables, in an object without a prototype. */
export type WorkerEnv = Readonly<Record<string, string>>;

/** What to start: a CommonJS script (its text) with an IPC channel to the host. */
export interface WorkerLaunch {
  /** For logs and process names. */
  name: string;
  source: string;
  /** The worker's own variables; the launcher adds only what its runtime needs (see hostEnv). */
  env: WorkerEnv;
}

/**
 * What the pool needs of a running worker. The worker script talks through `process.send` /
 * `process.on('message')`, or through `process.parentPort` when it runs as an Electron utility process.
 */
export interface WorkerProcess {
  readonly pid: number | undefined;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  /** Spawning failed (pid stays undefined), or a kill or send failed on a live worker. */
  on(event: 'error', listener: (err: Error) => void): unknown;
  send(message: unknown, callback: (err: Error | null) => void): void;
  /** Ends the worker at once (SIGKILL where there are signals). */
  kill(): void;
  /** A busy worker keeps the host's event loop alive; an idle one must not. */
  setActive(active: boolean): void;
}

/** Starts workers. The default runs Node (or Electron as Node); the Electron shell passes its own. */
export type WorkerLauncher = (launch: WorkerLaunch) => WorkerProcess;

/**
 * Host variables a worker's runtime cannot do without: Windows needs SYSTEMROOT to load system
 * libraries. Nothing else is inherited: no NODE_OPTIONS, no proxies, no secrets.
 */
const HOST_ALLOW_LIST = ['SYSTEMROOT'] as const;

/** `env` plus the allow-listed host variables, in an object without a prototype. */
export function workerEnv(env: WorkerEnv): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (process.platform === 'win32') {
    for (const key of HOST_ALLOW_LIST) {
      const value = process.env[key];
      if (typeof value === 'string') out[key] = value;
    }
  }
  // Own keys only: a key added to Object.prototype must not become a variable.
  for (const key of Object.keys(env)) {
    const value = env[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * The default launcher, for hosts running on Node (`calldeck serve`, the CLI, tests): `node -e
 * <source>` as a child process. The Electron shell passes its own (utility processes), so the app
 * never starts its binary as Node and its RunAsNode fuse stays off.
 */
export const nodeWorkerLauncher: WorkerLauncher = (launch) => {
  // Node's spawn reads inherited keys of `env` and of the options too: neither has a prototype.
  const options: SpawnOptions = Object.assign(Object.create(null) as SpawnOptions, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as SpawnOptions['stdio'],
    serialization: 'advanced' as const, // the WAV crosses as bytes, not as JSON
    env: workerEnv(launch.env),
  });
  const child = spawn(process.execPath, ['-e', launch.source], options);
  return {
    get pid() {
      return child.pid;
    },
    on: ((event: string, listener: (...args: unknown[]) => void) =>
      child.on(event, listener)) as WorkerProcess['on'],
    send(message, callback) {
      child.send(message as never, callback);
    },
    kill() {
      child.kill('SIGKILL');
    },
    setActive(active) {
      if (active) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
  };
};
