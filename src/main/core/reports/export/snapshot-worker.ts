import { openDatabaseReadOnly, type Db } from '../../store';
import { WorkerRows, type WorkerStatement } from './worker-rows';

/**
 * A worker's rows (WorkerRows), used only once its read transaction is shown to see the same
 * state as the caller's. Start it BEFORE the caller's connection begins its read transaction:
 * `PRAGMA data_version` on a probe connection (outside any transaction, so it sees every commit)
 * is read now and again when the worker has its snapshot; unchanged, no commit landed in between,
 * so both transactions read the state of this moment. Changed (a campaign writing all the while),
 * or a worker that could not start: `rows` answers null and the caller reads on its own connection.
 */
export class SnapshotWorker {
  private readonly rows_: WorkerRows;
  private readonly probe: Db;
  private readonly version: unknown;
  private state: 'unchecked' | 'same' | 'off' = 'unchecked';

  constructor(file: string, statements: WorkerStatement[], nativeBinding?: string) {
    this.probe = openDatabaseReadOnly(file, nativeBinding);
    try {
      // As the export's own connection: a reader waits out a checkpoint instead of failing.
      this.probe.pragma('busy_timeout = 5000');
      this.version = this.probe.pragma('data_version', { simple: true });
      this.rows_ = new WorkerRows(file, statements, nativeBinding);
    } catch (err) {
      this.probe.close();
      throw err;
    }
  }

  /** Whether rows came from the worker (its snapshot checked to be the caller's). */
  get used(): boolean {
    return this.state === 'same';
  }

  /** Statement `k`'s rows from the worker, once; null: read them on the caller's connection. */
  rows(k: number): IterableIterator<unknown[]> | null {
    if (this.state === 'off' || !this.rows_.available(k)) return null;
    if (this.state === 'unchecked') {
      const same =
        this.rows_.waitReady() && this.probe.pragma('data_version', { simple: true }) === this.version;
      if (!same) {
        this.close();
        return null;
      }
      this.state = 'same';
    }
    return this.rows_.rows(k);
  }

  /** Ends the worker and the probe; safe to call more than once. */
  close(): void {
    if (this.state !== 'same') this.state = 'off';
    this.rows_.close();
    if (this.probe.open) this.probe.close();
  }
}
