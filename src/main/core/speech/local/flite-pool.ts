import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpeechError } from '../errors';
import {
  FLITE_WORKER_SOURCE,
  WORKER_CONFIG_ENV,
  workerReplySchema,
  type SynthRequest,
  type WorkerFault,
} from './flite-worker-source';
import { nodeWorkerLauncher, type WorkerLauncher, type WorkerProcess } from './worker-launcher';
import { FLITE_TEMP_PREFIX } from './flite-leftovers';

/** Why a worker went away; hosts log these (a retried crash is otherwise invisible). */
export interface FliteWorkerExit {
  pid?: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the pool itself ended the worker (stuck request, malformed reply, dispose). */
  reason?: string;
  /** Whether the request it was serving goes to a fresh worker. */
  retried: boolean;
}

export interface FlitePoolStats {
  spawned: number;
  deaths: number;
  retries: number;
  timeouts: number;
  /** Pids of the workers alive now. */
  pids: number[];
}

export interface FlitePoolOptions {
  wasmPath: string;
  voice: string;
  size: number;
  timeoutMs: number;
  onWorkerExit?: (exit: FliteWorkerExit) => void;
  /** How workers are started (default: Node child processes with an allow-listed environment). */
  launcher?: WorkerLauncher;
  /** Tests only: a fault for the worker to act out on this attempt (1 or 2) of a request. */
  injectFault?: (text: string, attempt: number) => WorkerFault | undefined;
}

interface Job {
  text: string;
  attempts: number;
  settled: boolean;
  resolve(wav: Uint8Array): void;
  reject(err: Error): void;
}

interface Worker {
  child: WorkerProcess;
  /** Its own temp folder, flite's only file system. */
  dir: string;
  /** Until 'ready': the start-up watchdog; afterwards undefined. */
  starting?: NodeJS.Timeout;
  busy?: { id: number; job: Job; timer?: NodeJS.Timeout };
  reason?: string;
  dead: boolean;
  exited: Promise<void>;
}

/** A synthesis is pure, so a request whose worker died is run once more on a fresh one. */
const MAX_ATTEMPTS = 2;
/** Starting takes ~150 ms (node, then compiling 21 MB of WASM); a loaded machine may take far longer. */
const MIN_STARTUP_MS = 10_000;

/**
 * Runs flite in child processes so that a crash of Node's WASI (nodejs/node#52402) costs one retried
 * request, not the host. Workers start on demand, serve one request at a time from a FIFO queue, are
 * replaced when they die, and are unref'd while idle so they never keep the host alive.
 */
export class FlitePool {
  private readonly workers: Worker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private disposed = false;
  private readonly counts = { spawned: 0, deaths: 0, retries: 0, timeouts: 0 };

  constructor(private readonly options: FlitePoolOptions) {}

  /** The WAV bytes flite wrote for `text`. Rejects with an AbortError when `signal` fires. */
  synthesize(text: string, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.disposed) return Promise.reject(disposedError());
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => {
        // A job already sent stays on its worker; its answer is dropped when it arrives.
        const queued = this.queue.indexOf(job);
        if (queued >= 0) this.queue.splice(queued, 1);
        job.reject(abortReason(signal));
      };
      const job: Job = {
        text,
        attempts: 0,
        settled: false,
        resolve: (wav) => settle(() => resolve(wav)),
        reject: (err) => settle(() => reject(err)),
      };
      const settle = (fn: () => void) => {
        if (job.settled) return;
        job.settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  stats(): FlitePoolStats {
    const pids = this.workers.flatMap((w) => (w.child.pid === undefined ? [] : [w.child.pid]));
    return { ...this.counts, pids };
  }

  /** Kills every worker and fails what is pending; the pool cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.reject(disposedError());
    for (const w of [...this.workers]) {
      w.busy?.job.reject(disposedError());
      this.kill(w, 'disposed');
      this.setIdle(w, false); // SIGKILL ends it within ms; stay ref'd so `exited()` sees the exit
      fs.rmSync(w.dir, { recursive: true, force: true }); // now: the host may exit before the worker
    }
  }

  /** Resolves once every worker started so far has exited (after `dispose`: for tests and shutdown). */
  async exited(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.exited));
  }

  private dispatch(): void {
    while (!this.disposed && this.queue.length > 0) {
      let worker = this.workers.find((w) => !w.busy && !w.dead);
      if (!worker) {
        if (this.workers.length >= this.options.size) return;
        worker = this.spawnWorker();
      }
      this.assign(worker, this.queue.shift() as Job);
    }
  }

  private spawnWorker(): Worker {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${FLITE_TEMP_PREFIX}${process.pid}-`));
    const config = { wasmPath: this.options.wasmPath, voice: this.options.voice, dir };
    // The worker's only variable is its config: never the host's environment (issue 8).
    const launch = this.options.launcher ?? nodeWorkerLauncher;
    const child = launch({
      name: 'flite',
      source: FLITE_WORKER_SOURCE,
      env: { [WORKER_CONFIG_ENV]: JSON.stringify(config) },
    });
    let onExit: () => void = () => undefined;
    const worker: Worker = { child, dir, dead: false, exited: new Promise((r) => (onExit = r)) };
    const startupMs = Math.max(this.options.timeoutMs, MIN_STARTUP_MS);
    worker.starting = setTimeout(() => {
      this.counts.timeouts++;
      this.kill(worker, `did not start within ${startupMs} ms`);
    }, startupMs);
    this.counts.spawned++;
    this.workers.push(worker);
    child.on('message', (raw) => this.onReply(worker, raw));
    child.on('exit', (code, signal) => {
      this.onDeath(worker, code, signal);
      onExit();
    });
    child.on('error', (err) => {
      // Spawning failed (no 'exit' follows), or a kill / send failed on a live child.
      if (child.pid === undefined) {
        worker.reason ??= `cannot start: ${err.message}`;
        this.onDeath(worker, null, null);
        onExit();
      } else this.kill(worker, `process error: ${err.message}`);
    });
    this.setIdle(worker, true);
    return worker;
  }

  private assign(worker: Worker, job: Job): void {
    const id = this.nextId++;
    job.attempts++;
    worker.busy = { id, job };
    if (!worker.starting) this.watch(worker);
    this.setIdle(worker, false);
    const request: SynthRequest = { type: 'synth', id, text: job.text };
    const fault = this.options.injectFault?.(job.text, job.attempts);
    if (fault) request.fault = fault;
    worker.child.send(request, (err) => {
      if (err) this.kill(worker, `cannot send: ${err.message}`);
    });
  }

  private onReply(worker: Worker, raw: unknown): void {
    const parsed = workerReplySchema.safeParse(raw);
    if (!parsed.success) {
      this.kill(worker, 'sent a malformed reply');
      return;
    }
    const reply = parsed.data;
    if (reply.type === 'ready') {
      clearTimeout(worker.starting);
      worker.starting = undefined;
      this.watch(worker);
      return;
    }
    if (reply.type === 'fatal') {
      worker.reason ??= `cannot start: ${reply.message}`;
      return; // it exits now; onDeath settles its request
    }
    const busy = worker.busy;
    if (!busy || reply.id !== busy.id) {
      this.kill(worker, 'answered a request it was not given');
      return;
    }
    clearTimeout(busy.timer);
    worker.busy = undefined;
    this.setIdle(worker, true);
    if (reply.type === 'done') busy.job.resolve(reply.wav);
    else busy.job.reject(new SpeechError('provider', 'tts', 'flite', reply.message));
    this.dispatch();
  }

  private onDeath(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    const at = this.workers.indexOf(worker);
    if (at < 0) return; // 'error' and 'exit' can both report one death
    worker.dead = true;
    this.workers.splice(at, 1);
    fs.rmSync(worker.dir, { recursive: true, force: true });
    this.counts.deaths++;
    clearTimeout(worker.starting);
    const busy = worker.busy;
    worker.busy = undefined;
    clearTimeout(busy?.timer);
    const job = busy && !busy.job.settled ? busy.job : undefined;
    const retried = job !== undefined && job.attempts < MAX_ATTEMPTS && !this.disposed;
    const { reason } = worker;
    this.options.onWorkerExit?.({ pid: worker.child.pid, code, signal, reason, retried });
    if (job && retried) {
      this.counts.retries++;
      this.queue.unshift(job);
    } else if (job) {
      const how = reason ?? (signal ? `killed by ${signal}` : `exited with code ${code}`);
      const kind = worker.child.pid === undefined ? 'unavailable' : 'provider';
      job.reject(new SpeechError(kind, 'tts', 'flite', `flite worker failed twice; last: ${how}`));
    }
    this.dispatch();
  }

  /** Starts the stuck-request watchdog for the request a ready worker is serving. */
  private watch(worker: Worker): void {
    const busy = worker.busy;
    if (!busy || busy.timer) return;
    busy.timer = setTimeout(() => {
      this.counts.timeouts++;
      this.kill(worker, `stuck for more than ${this.options.timeoutMs} ms`);
    }, this.options.timeoutMs);
  }

  private kill(worker: Worker, reason: string): void {
    worker.reason ??= reason;
    worker.dead = true; // no new work; onDeath settles its request when 'exit' arrives
    worker.child.kill();
  }

  /** An idle worker must not keep the host's event loop alive; a busy one must. */
  private setIdle(worker: Worker, idle: boolean): void {
    worker.child.setActive(!idle);
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason as unknown;
  return reason instanceof Error ? reason : new DOMException('aborted', 'AbortError');
}

function disposedError(): SpeechError {
  return new SpeechError('unavailable', 'tts', 'flite', 'flite was disposed');
}
