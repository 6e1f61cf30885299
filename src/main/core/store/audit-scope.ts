import type { AuditFailure } from '../../../shared/audit';

/** Fields an audited change adds to its row's payload: what it did (ids, counts, names). */
export type AuditDetail = Record<string, unknown>;

/** How a change's result is written into its row. */
export interface AuditedChange<T> {
  detail?: (result: T) => AuditDetail;
  /** A subject known only once the change ran (e.g. a new list's id); default: the action's. */
  subject?: (result: T) => string;
}

/**
 * One action's audit record, opened by whoever receives the action (the Api dispatcher, or a host
 * for work outside the Api) and handed to the service that performs it. The service makes its
 * change through `commit`, so the change and the action's one row are a single SQLite transaction:
 * both are written or neither is. An action that changes nothing in the database is recorded by
 * whoever opened the scope, after it succeeds; a failed one is recorded with its error.
 */
export interface AuditScope {
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  /**
   * Runs `change` (synchronous SQLite work, not inside another transaction) and appends this
   * action's row, outcome `ok`, in the same IMMEDIATE transaction. Callable once per action. If
   * the row cannot be written the change is rolled back and an `AuditWriteError` is thrown.
   */
  commit<T>(change: () => T, record?: AuditedChange<T>): T;
  /**
   * Long work (an import, a campaign run): records the start now as its own row (outcome
   * `started`) and returns the handle that records the end, linked to it. `within` runs in the
   * start row's transaction: what must exist exactly when the start row does (the job's own row,
   * so a crash can never leave a start row no restart will close).
   */
  begin(detail?: AuditDetail, within?: (startSeq: number) => void): AuditFollowUp;
}

/** The second half of a long action: exactly one end row, naming the start row's seq. */
export interface AuditFollowUp {
  readonly startSeq: number;
  /** The work's change and its end row (outcome `ok`), in one transaction, as `AuditScope.commit`. */
  commit<T>(change: () => T, record?: AuditedChange<T>): T;
  /** The work ended without its change: the end row names the error. */
  end(outcome: 'failed' | 'cancelled', error: AuditFailure): void;
  readonly ended: boolean;
}

/** Runs a function in one transaction; lets a repository's own transaction be the audited one. */
export type Transact = <T>(fn: () => T) => T;
