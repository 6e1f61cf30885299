import { createRequire } from 'node:module';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { ImportError } from './errors';
import type { SourceRow } from './source';
import { xlsxWorkerMain, type XlsxCredit, type XlsxJob, type XlsxMessage } from './xlsx-worker';

const require = createRequire(import.meta.url);

/**
 * The worker runs from source text (`eval`), the same way under vitest (TypeScript sources) and in
 * the electron-vite bundle (CommonJS): a separate worker file would need a different path, or a
 * bundler plugin, in each. The text is xlsxWorkerMain's own compiled source, so it stays typed and
 * linted; xlsx is loaded by absolute path, since an eval'd worker resolves modules from the cwd.
 */
const WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const libs = {
  xlsx: require(workerData.xlsxPath),
  readFileSync: require('node:fs').readFileSync,
  createHash: require('node:crypto').createHash,
};
(${xlsxWorkerMain.toString()})(libs, parentPort, workerData);
`;

/** Batches requested ahead of the one being consumed: the worker converts while the engine stages. */
const PREFETCH = 3;

type Opened = Extract<XlsxMessage, { type: 'opened' }>;
type Inbound = XlsxMessage | { type: 'crash'; error: Error } | { type: 'exit'; code: number };

export interface XlsxSheet {
  readonly info: Opened;
  /** Rows in batches, with how many sheet rows are done; the worker stops at the end or on return. */
  batches(): AsyncGenerator<{ rows: SourceRow[]; done: number }>;
  /** Stops the worker and frees the workbook it holds; safe to call more than once. Every opener must. */
  close(): Promise<void>;
}

let running = 0;
/** Reader workers alive right now (for diagnostics and tests: every opener must close its reader). */
export const runningXlsxWorkers = (): number => running;

const cancelled = () => new ImportError('cancelled', 'The import was cancelled; nothing was saved.');

function errorOf(m: Inbound, closed: boolean): ImportError {
  switch (m.type) {
    case 'error':
      return new ImportError(m.code, m.message);
    case 'crash':
      if ((m.error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY')
        return new ImportError(
          'too_large',
          'This spreadsheet needs more memory than CallDeck can give it. Save it as CSV (CSV files of any size are read in a stream).',
        );
      return new ImportError(
        'corrupt_spreadsheet',
        `This spreadsheet could not be read (${m.error.message}).`,
      );
    case 'exit':
      return closed
        ? cancelled()
        : new ImportError('unreadable', `The spreadsheet reader stopped unexpectedly (exit code ${m.code}).`);
    case 'opened':
    case 'rows':
    case 'end':
      return new ImportError('unreadable', `The spreadsheet reader sent "${m.type}" out of turn.`);
  }
}

/**
 * Opens one sheet of a workbook in a worker thread, so the parse (seconds for a big file) never
 * blocks the event loop; resolves once the workbook is parsed. An abort stops the worker.
 */
export async function openXlsxSheet(
  file: string,
  sheet: string | undefined,
  batchRows: number,
  signal?: AbortSignal,
): Promise<XlsxSheet> {
  if (signal?.aborted) throw cancelled();
  const job: XlsxJob = { xlsxPath: require.resolve('xlsx'), file, sheet, batchRows };
  // The thread needs no environment variables; options without a prototype so that no key added to
  // Object.prototype (execArgv, env, …) can become an option.
  const options = Object.assign(Object.create(null) as WorkerOptions, {
    eval: true,
    workerData: job,
    env: Object.create(null) as Record<string, string>,
  });
  const worker = new Worker(WORKER_SOURCE, options);
  running++;
  worker.once('exit', () => running--);

  const queue: Inbound[] = [];
  let wake: (() => void) | undefined;
  const push = (m: Inbound) => {
    queue.push(m);
    wake?.();
    wake = undefined;
  };
  worker.on('message', (m: XlsxMessage) => push(m));
  worker.on('error', (error) => push({ type: 'crash', error }));
  worker.on('exit', (code) => push({ type: 'exit', code }));
  const next = async (): Promise<Inbound> => {
    for (;;) {
      const m = queue.shift();
      if (m) return m;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await worker.terminate();
  };

  const onAbort = () => void close();
  signal?.addEventListener('abort', onAbort, { once: true });
  let info: Opened;
  try {
    const first = await next();
    if (signal?.aborted) throw cancelled();
    if (first.type !== 'opened') throw errorOf(first, closed);
    info = first;
  } catch (err) {
    await close();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  return {
    info,
    close,
    async *batches() {
      try {
        worker.postMessage({ credit: PREFETCH } satisfies XlsxCredit);
        for (;;) {
          const m = await next();
          if (m.type === 'end') return;
          if (m.type !== 'rows') throw errorOf(m, closed);
          worker.postMessage({ credit: 1 } satisfies XlsxCredit);
          yield { rows: m.rows, done: m.done };
        }
      } finally {
        await close();
      }
    },
  };
}
