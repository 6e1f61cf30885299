import { createRequire } from 'node:module';
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
  type WorkerOptions,
} from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** Rows per message: large enough that posting costs little, small enough to keep memory flat. */
export const WORKER_BATCH_ROWS = 2000;
/**
 * How far a statement may run ahead of its reader before the worker waits on it: batches, and the
 * characters of text in them (memory stays bounded whatever the rows hold). Far enough that the
 * worker keeps stepping while the reader is busy elsewhere: the summary's sums as the export opens,
 * and above all the calls: meanwhile the worker steps the turns, read after them (100,000 calls'
 * turns: ~12 M characters), so the turns sheet does not wait on SQLite at the end.
 */
export const AHEAD_BATCHES = 64;
export const AHEAD_CHARS = 16 * 1024 * 1024;
/** A reader that hears nothing for this long gives up (the worker steps SQLite: a batch takes ms). */
const SILENCE_MS = 30_000;

/**
 * Runs in a worker thread: its own read-only connection, one read transaction, every statement
 * stepped in raw mode and posted in columnar batches (one array per column: cheaper to clone than
 * one array per row), each statement on its own port, at most AHEAD_BATCHES batches and
 * AHEAD_CHARS characters of text ahead of its reader (shared counters: produced[k], then
 * consumed[k]; any consumption wakes the worker; the worker keeps the sizes of the batches not yet
 * read). All the
 * statements stay open together: a reader may merge two of them (calls and their sessions).
 */
const WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const { file, modulePath, nativeBinding, statements, ports, counters } = workerData;
const n = statements.length;
const post = (k, m) => { ports[k].postMessage(m); Atomics.add(counters, k, 1); Atomics.notify(counters, k); };
let db;
try {
  const Database = require(modulePath);
  db = new Database(file, Object.assign({ readonly: true, fileMustExist: true }, nativeBinding ? { nativeBinding } : {}));
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN');
  db.prepare('SELECT count(*) FROM sqlite_schema').get();
  Atomics.store(counters, 3 * n, 1);
  Atomics.notify(counters, 3 * n);
  const its = statements.map((s) => db.prepare(s.sql).raw(true).iterate(s.params));
  const done = statements.map(() => false);
  const unreadSizes = statements.map(() => []);
  const unreadChars = statements.map(() => 0);
  let left = n;
  while (left > 0) {
    const seen = Atomics.load(counters, 3 * n + 1);
    let moved = false;
    for (let k = 0; k < n; k++) {
      if (done[k]) continue;
      const unread = Atomics.load(counters, k) - Atomics.load(counters, n + k);
      while (unreadSizes[k].length > unread) unreadChars[k] -= unreadSizes[k].shift();
      if (unread >= ${AHEAD_BATCHES} || unreadChars[k] >= ${AHEAD_CHARS}) continue;
      let cols = null;
      let rows = 0;
      let chars = 0;
      for (let r = its[k].next(); ; r = its[k].next()) {
        if (r.done) { done[k] = true; left -= 1; break; }
        if (cols === null) cols = r.value.map(() => []);
        for (let c = 0; c < r.value.length; c++) {
          const v = r.value[c];
          cols[c].push(v);
          chars += typeof v === 'string' ? v.length : 8;
        }
        if (++rows === ${WORKER_BATCH_ROWS}) break;
      }
      if (cols !== null) {
        post(k, { cols });
        unreadSizes[k].push(chars);
        unreadChars[k] += chars;
      }
      if (done[k]) post(k, { end: true });
      moved = true;
    }
    if (!moved) Atomics.wait(counters, 3 * n + 1, seen, 1000);
  }
} catch (err) {
  for (let k = 0; k < n; k++) post(k, { error: String((err && err.message) || err) });
  if (Atomics.compareExchange(counters, 3 * n, 0, 2) === 0) Atomics.notify(counters, 3 * n);
} finally {
  if (db && db.open) { if (db.inTransaction) db.exec('COMMIT'); db.close(); }
}
`;

type Message = { cols: unknown[][] } | { end: true } | { error: string };

/** A statement for the worker: SQL and its named parameters. */
export interface WorkerStatement {
  sql: string;
  params: Record<string, string>;
  /** Its one column is each row as a JSON array (see RowForm): parsed here into the row's values. */
  json?: boolean;
}

export class WorkerRowsError extends Error {
  constructor(message: string) {
    super(`Reading the export's rows failed: ${message}`);
    this.name = 'WorkerRowsError';
  }
}

let running = 0;
/** Row workers alive (tests: every export ends its worker). */
export const runningRowWorkers = (): number => running;

/**
 * Statements stepped by a worker thread on a connection of its own, read on this thread as
 * ordinary synchronous iterators (the writers iterate rows synchronously): a reader that runs out
 * of rows waits on a shared counter until the worker posts its next batch. SQLite's stepping then
 * runs on the second core while this thread builds cells. Measured at 30,000 calls: stepping the
 * calls statement costs this thread 91 ms, taking its batches 32 ms.
 */
export class WorkerRows {
  private readonly worker: Worker;
  private readonly ports: MessagePort[];
  /** [produced × n, consumed × n, unused × n, ready, wake]. */
  private readonly counters: Int32Array;
  private readonly taken: boolean[];
  private readonly json: boolean[];
  private closed = false;
  private failure: string | null = null;

  constructor(file: string, statements: WorkerStatement[], nativeBinding?: string) {
    const n = statements.length;
    this.counters = new Int32Array(new SharedArrayBuffer(4 * (3 * n + 2)));
    const channels = statements.map(() => new MessageChannel());
    this.ports = channels.map((c) => c.port1);
    this.taken = statements.map(() => false);
    this.json = statements.map((s) => s.json === true);
    const remote = channels.map((c) => c.port2);
    // No environment for the thread; options without a prototype (as the other workers).
    const options = Object.assign(Object.create(null) as WorkerOptions, {
      eval: true,
      workerData: {
        file,
        modulePath: require.resolve('better-sqlite3'),
        nativeBinding,
        statements,
        ports: remote,
        counters: this.counters,
      },
      transferList: remote,
      env: Object.create(null) as Record<string, string>,
    });
    this.worker = new Worker(WORKER_SOURCE, options);
    running += 1;
    this.worker.once('exit', () => (running -= 1));
    // The worker posts its own errors to the readers; an uncaught one (out of memory) cannot reach
    // a reader blocked on this thread, which gives up at its silence bound instead.
    this.worker.on('error', (err) => (this.failure = err.message));
  }

  /** Waits until the worker's read transaction has its snapshot: false if it failed to start. */
  waitReady(): boolean {
    const ready = 3 * this.ports.length;
    const until = Date.now() + SILENCE_MS;
    while (Atomics.load(this.counters, ready) === 0 && Date.now() < until)
      Atomics.wait(this.counters, ready, 0, 100);
    return Atomics.load(this.counters, ready) === 1;
  }

  /**
   * The rows of statement `k`, once (a second reader of the same statement reads elsewhere). Rows
   * of values fill one array in turn (100,000 rows made no garbage): take a row's values out before
   * asking for the next.
   */
  *rows(k: number): Generator<unknown[]> {
    if (this.taken[k]) throw new Error(`Statement ${k} of the worker was read already`);
    this.taken[k] = true;
    const port = this.ports[k]!;
    const n = this.ports.length;
    for (;;) {
      const m = this.receive(port, k);
      if ('error' in m) throw new WorkerRowsError(m.error);
      if ('end' in m) return;
      Atomics.add(this.counters, n + k, 1);
      Atomics.add(this.counters, 3 * n + 1, 1);
      Atomics.notify(this.counters, 3 * n + 1);
      const cols = m.cols;
      const count = cols[0]?.length ?? 0;
      if (this.json[k]) {
        for (const text of cols[0] ?? []) yield JSON.parse(text as string) as unknown[];
        continue;
      }
      const row = new Array<unknown>(cols.length);
      for (let i = 0; i < count; i++) {
        for (let c = 0; c < cols.length; c++) row[c] = cols[c]![i];
        yield row;
      }
    }
  }

  /** Batches of statement `k` posted and not yet read (its end included once posted). */
  unread(k: number): number {
    const n = this.ports.length;
    return Atomics.load(this.counters, k) - Atomics.load(this.counters, n + k);
  }

  /** Whether statement `k` can still be read here (each is read once). */
  available(k: number): boolean {
    return !this.closed && this.taken[k] === false;
  }

  /** Ends the worker (its transaction ends with it); safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.ports) p.close();
    void this.worker.terminate();
  }

  private receive(port: MessagePort, k: number): Message {
    const until = Date.now() + SILENCE_MS;
    for (;;) {
      const seen = Atomics.load(this.counters, k);
      const got = receiveMessageOnPort(port);
      if (got) return got.message as Message;
      if (this.closed) throw new WorkerRowsError('the export was closed');
      if (this.failure !== null) throw new WorkerRowsError(this.failure);
      if (Date.now() > until) throw new WorkerRowsError('the reading thread stopped answering');
      Atomics.wait(this.counters, k, seen, 100);
    }
  }
}
