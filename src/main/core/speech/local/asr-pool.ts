import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { AsrLate } from '../asr';
import { SpeechError } from '../errors';
import {
  ASR_WORKER_SOURCE,
  asrWorkerReplySchema,
  type AsrWorkerData,
  type AsrWorkerFault,
  type AsrWorkerRequest,
} from './asr-worker-source';

/** One utterance for a worker: float samples at the model's rate and the grammar to hear it with. */
export interface AsrJobInput {
  pcm: Float32Array;
  /** Stable per grammar (the same key is never given another JSGF). */
  key: string;
  jsgf: string;
  words: string[];
}

export interface AsrWord {
  t: string;
  b: number;
  d: number;
  p: number;
}

export interface AsrJobResult {
  text: string;
  words: AsrWord[];
  /** Wall ms in the queue before a worker took the job, and in the worker. */
  queueMs: number;
  computeMs: number;
  /** Finished after its deadline: it was still decoded, and counted late. */
  late: boolean;
}

/** A job that missed its deadline (told once, when the deadline passes; the decode goes on). */
export type AsrLateJob = AsrLate;

export interface AsrJobOptions {
  signal?: AbortSignal;
  /** Overrides the pool's deadline for this job. */
  deadlineMs?: number;
  /** Added to the deadline: the job was asked for this long before its result is needed. */
  leadMs?: number;
  /** Told when this job misses its deadline (the session marks its turn late). */
  onLate?: (late: AsrLateJob) => void;
}

export interface AsrWorkerExit {
  threadId: number;
  code: number;
  reason?: string;
  /** The decode it was serving fails (ASR jobs are not retried: the turn is a no-match). */
  failedJob: boolean;
}

export interface AsrPoolStats {
  size: number;
  workers: number;
  busy: number;
  queued: number;
  /** Jobs finished (decoded or failed), jobs that missed their deadline, grammar switches. */
  jobs: number;
  late: number;
  switches: number;
  spawned: number;
  crashes: number;
  timeouts: number;
}

export interface AsrPoolOptions {
  data: AsrWorkerData;
  size: number;
  /** Wall ms from enqueue a decode should take at most; later it is counted late. */
  deadlineMs: number;
  /** A decode taking this long means a stuck worker: it is ended and its job fails. */
  stuckMs: number;
  onLate?: (late: AsrLateJob) => void;
  onWorkerExit?: (exit: AsrWorkerExit) => void;
  /** Tests only: a fault for the worker to act out on this job. */
  injectFault?: (input: AsrJobInput) => AsrWorkerFault | undefined;
}

type Outcome =
  | { type: 'decoded'; text: string; words: AsrWord[]; computeMs: number }
  | { type: 'unknown'; words: string[] };

interface Job {
  request: { type: 'decode'; input: AsrJobInput } | { type: 'lookup'; words: string[] };
  enqueuedAt: number;
  startedAt?: number;
  deadlineMs: number;
  deadline?: NodeJS.Timeout;
  late: boolean;
  settled: boolean;
  onLate?: (late: AsrLateJob) => void;
  resolve(outcome: Outcome): void;
  reject(err: Error): void;
}

interface PoolWorker {
  thread: Worker;
  ready: boolean;
  dead: boolean;
  /** The grammar key set on its decoder (to send a job where its grammar already is). */
  grammar?: string;
  busy?: { id: number; job: Job; stuck: NodeJS.Timeout };
  reason?: string;
  exited: Promise<void>;
  /** Called once the model has loaded. */
  loaded?: () => void;
}

/** Loading the model takes ~250 ms; a loaded machine may take far longer, but not this long. */
const LOAD_TIMEOUT_MS = 60_000;

/** The worker could not be reached (start-up failed, disposed): the caller's job cannot run. */
const unavailable = (message: string) => new SpeechError('unavailable', 'asr', 'soundswallower', message);

/**
 * soundswallower decoders in worker threads, so a decode never holds the event loop that carries
 * every call's media, and decodes of different calls run on different cores. A queue with a
 * deadline per job: a job past its deadline is still decoded (its turn goes on, marked late), and it
 * is counted and reported. The queue is ordered by deadline (equal deadlines: first come, first
 * served). A worker that crashes or hangs fails only the job it was serving and is replaced.
 */
export class AsrPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private disposed = false;
  private readonly counts = { jobs: 0, late: 0, switches: 0, spawned: 0, crashes: 0, timeouts: 0 };

  constructor(private readonly o: AsrPoolOptions) {}

  /** Starts every worker and waits until they have loaded the model (or one failed: rejects). */
  async warm(): Promise<void> {
    while (this.workers.length < this.o.size) this.spawn();
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            if (w.ready) return resolve();
            w.thread.on('message', () => (w.ready ? resolve() : undefined));
            void w.exited.then(() => reject(unavailable(`cannot load: ${w.reason ?? 'worker exited'}`)));
          }),
      ),
    );
  }

  async decode(input: AsrJobInput, options: AsrJobOptions = {}): Promise<AsrJobResult> {
    const job = await this.run({ type: 'decode', input }, options);
    const { outcome } = job;
    if (outcome.type === 'unknown') {
      throw new SpeechError(
        'bad_input',
        'asr',
        'soundswallower',
        `words not in the dictionary: ${outcome.words.join(', ')}`,
      );
    }
    return {
      text: outcome.text,
      words: outcome.words,
      computeMs: outcome.computeMs,
      queueMs: job.queueMs,
      late: job.late,
    };
  }

  /** The words the model's dictionary does not know. */
  async unknownWords(words: string[]): Promise<string[]> {
    const { outcome } = await this.run({ type: 'lookup', words }, {});
    return outcome.type === 'unknown' ? outcome.words : [];
  }

  stats(): AsrPoolStats {
    return {
      ...this.counts,
      size: this.o.size,
      workers: this.workers.length,
      busy: this.workers.filter((w) => w.busy).length,
      queued: this.queue.length,
    };
  }

  /** Ends every worker; pending jobs fail as `unavailable`. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.reject(unavailable('the recogniser was disposed'));
    for (const w of [...this.workers]) {
      w.busy?.job.reject(unavailable('the recogniser was disposed'));
      this.end(w, 'disposed');
    }
  }

  /** Resolves once every worker started so far has exited (after `dispose`). */
  async exited(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.exited));
  }

  private run(
    request: Job['request'],
    options: AsrJobOptions,
  ): Promise<{ outcome: Outcome; queueMs: number; late: boolean }> {
    if (this.disposed) return Promise.reject(unavailable('the recogniser was disposed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.queue.indexOf(job);
        if (at >= 0) this.queue.splice(at, 1);
        job.reject(new DOMException('aborted', 'AbortError')); // one in a worker finishes unseen
      };
      const settle = (fn: () => void) => {
        if (job.settled) return;
        job.settled = true;
        clearTimeout(job.deadline);
        signal?.removeEventListener('abort', onAbort);
        this.counts.jobs++;
        fn();
      };
      const job: Job = {
        request,
        enqueuedAt: performance.now(),
        deadlineMs: (options.deadlineMs ?? this.o.deadlineMs) + Math.max(0, options.leadMs ?? 0),
        late: false,
        settled: false,
        onLate: options.onLate,
        resolve: (outcome) =>
          settle(() =>
            resolve({
              outcome,
              queueMs: (job.startedAt ?? job.enqueuedAt) - job.enqueuedAt,
              late: job.late,
            }),
          ),
        reject: (err) => settle(() => reject(err)),
      };
      job.deadline = setTimeout(() => this.missed(job), job.deadlineMs);
      job.deadline.unref(); // a busy worker keeps the host alive, not this timer
      signal?.addEventListener('abort', onAbort, { once: true });
      // Earliest deadline first: a live turn's decode (400 ms) passes work that may wait (QA scoring).
      const due = job.enqueuedAt + job.deadlineMs;
      const at = this.queue.findIndex((q) => q.enqueuedAt + q.deadlineMs > due);
      if (at < 0) this.queue.push(job);
      else this.queue.splice(at, 0, job);
      this.dispatch();
    });
  }

  private missed(job: Job): void {
    if (job.settled) return;
    job.late = true;
    this.counts.late++;
    const late: AsrLateJob = {
      deadlineMs: job.deadlineMs,
      queued: job.startedAt === undefined,
      waiting: this.queue.length,
    };
    this.o.onLate?.(late);
    job.onLate?.(late);
  }

  private dispatch(): void {
    while (!this.disposed && this.queue.length > 0) {
      const job = this.queue[0] as Job;
      const idle = this.workers.filter((w) => w.ready && !w.dead && !w.busy);
      const key = job.request.type === 'decode' ? job.request.input.key : undefined;
      // Where the job's grammar is already set, the decoder need not compile it again.
      const worker = idle.find((w) => key !== undefined && w.grammar === key) ?? idle[0];
      if (!worker) {
        const starting = this.workers.some((w) => !w.ready && !w.dead);
        if (!starting && this.workers.length < this.o.size) this.spawn();
        return;
      }
      this.queue.shift();
      this.assign(worker, job);
    }
  }

  private spawn(): PoolWorker {
    let onExit: () => void = () => undefined;
    // No environment (a thread gets a copy of process.env by default), and options without a
    // prototype, so that no key added to Object.prototype (execArgv, env, …) becomes an option.
    const options = Object.assign(Object.create(null) as WorkerOptions, {
      eval: true,
      workerData: this.o.data,
      env: Object.create(null) as Record<string, string>,
    });
    const thread = new Worker(ASR_WORKER_SOURCE, options);
    const worker: PoolWorker = {
      thread,
      ready: false,
      dead: false,
      exited: new Promise((r) => (onExit = r)),
    };
    this.counts.spawned++;
    this.workers.push(worker);
    thread.on('message', (raw) => this.onReply(worker, raw));
    thread.on('error', (err) => (worker.reason ??= `crashed: ${err.message}`));
    thread.on('exit', (code) => {
      clearTimeout(loading);
      this.onExit(worker, code);
      onExit();
    });
    // Loading keeps the host alive (a CLI awaiting the model must not exit under it), within a bound.
    const loading = setTimeout(
      () => this.end(worker, `did not load within ${LOAD_TIMEOUT_MS} ms`),
      LOAD_TIMEOUT_MS,
    );
    loading.unref();
    worker.loaded = () => {
      clearTimeout(loading);
      if (!worker.busy) thread.unref(); // an idle worker never keeps the host alive
    };
    return worker;
  }

  private assign(worker: PoolWorker, job: Job): void {
    const id = this.nextId++;
    job.startedAt = performance.now();
    const stuck = setTimeout(() => {
      this.counts.timeouts++;
      this.end(worker, `stuck for more than ${this.o.stuckMs} ms`);
    }, this.o.stuckMs);
    worker.busy = { id, job, stuck };
    worker.thread.ref();
    let request: AsrWorkerRequest;
    const transfer: ArrayBuffer[] = [];
    if (job.request.type === 'decode') {
      const { input } = job.request;
      request = { type: 'decode', id, pcm: input.pcm, key: input.key, jsgf: input.jsgf, words: input.words };
      const fault = this.o.injectFault?.(input);
      if (fault) request.fault = fault;
      if (input.pcm.buffer instanceof ArrayBuffer && input.pcm.byteLength === input.pcm.buffer.byteLength)
        transfer.push(input.pcm.buffer);
      worker.grammar = input.key;
    } else {
      request = { type: 'lookup', id, words: job.request.words };
    }
    worker.thread.postMessage(request, transfer);
  }

  private onReply(worker: PoolWorker, raw: unknown): void {
    const parsed = asrWorkerReplySchema.safeParse(raw);
    if (!parsed.success) return this.end(worker, 'sent a malformed reply');
    const reply = parsed.data;
    switch (reply.type) {
      case 'ready':
        worker.ready = true;
        worker.loaded?.();
        return this.dispatch();
      case 'fatal':
        return this.end(worker, reply.message);
      case 'decoded':
      case 'unknown':
      case 'failed':
        break;
      default:
        reply satisfies never;
    }
    const busy = worker.busy;
    if (!busy || busy.id !== reply.id) return this.end(worker, 'answered a job it was not given');
    clearTimeout(busy.stuck);
    worker.busy = undefined;
    worker.thread.unref();
    if (reply.type === 'failed') {
      worker.grammar = undefined;
      busy.job.reject(new SpeechError('provider', 'asr', 'soundswallower', reply.message));
    } else if (reply.type === 'unknown') {
      busy.job.resolve({ type: 'unknown', words: reply.words });
    } else {
      if (reply.switched) this.counts.switches++;
      busy.job.resolve({ type: 'decoded', text: reply.text, words: reply.words, computeMs: reply.computeMs });
    }
    this.dispatch();
  }

  private onExit(worker: PoolWorker, code: number): void {
    const at = this.workers.indexOf(worker);
    if (at < 0) return;
    this.workers.splice(at, 1);
    worker.dead = true;
    const busy = worker.busy;
    worker.busy = undefined;
    if (busy) clearTimeout(busy.stuck);
    const reason = worker.reason ?? `exited with code ${code}`;
    const failedJob = !!busy && !busy.job.settled;
    if (!this.disposed && worker.reason !== 'disposed') this.counts.crashes++;
    this.o.onWorkerExit?.({ threadId: worker.thread.threadId, code, reason, failedJob });
    if (busy) busy.job.reject(new SpeechError('provider', 'asr', 'soundswallower', `asr worker ${reason}`));
    if (this.disposed) return;
    if (!worker.ready) {
      // It never loaded: the next one would fail the same way, so what waits fails now.
      for (const job of this.queue.splice(0)) job.reject(unavailable(`cannot load: ${reason}`));
      return;
    }
    this.spawn(); // keep the pool warm: a replacement loads while the others serve
    this.dispatch();
  }

  private end(worker: PoolWorker, reason: string): void {
    worker.reason ??= reason;
    worker.dead = true;
    void worker.thread.terminate();
  }
}
