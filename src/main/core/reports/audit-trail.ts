import { z } from 'zod';
import type { AuditEntry, AuditFailure, AuditOutcome } from '../../../shared/audit';
import type { Logger } from '../logging';
import type { AuditDetail, AuditedChange, AuditFollowUp, AuditScope } from '../store';
import type { AuditLog, AuditRecord } from './audit-log';

/** Who did what to what; `request` is what they asked for, secrets already redacted. */
export interface AuditAction {
  actor: string;
  action: string;
  subject: string;
  request?: unknown;
}

/**
 * An audited job's start row as the job's input keeps it (a job row outlives the process): a restart
 * after a crash ends the action with AuditTrail.endInterrupted.
 */
export const JobAuditStartSchema = z.strictObject({
  startSeq: z.number().int().positive(),
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
});
export type JobAuditStart = z.infer<typeof JobAuditStartSchema>;

/** Keys the audit path itself writes into a payload; an action's detail cannot overwrite them. */
const RESERVED = new Set(['outcome', 'request', 'startSeq', 'error']);
const MESSAGE_MAX = 500;
const ISSUES_MAX = 20;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** Bounded copy of an error for a row: outside input may make messages long. */
function failure(error: AuditFailure): AuditFailure {
  const out: AuditFailure = { code: clip(error.code, 60), message: clip(error.message, MESSAGE_MAX) };
  if (error.issues?.length)
    out.issues = error.issues
      .slice(0, ISSUES_MAX)
      .map((i) => ({ path: clip(i.path, 200), message: clip(i.message, 200) }));
  return out;
}

function payloadOf(outcome: AuditOutcome, head: Record<string, unknown>, detail?: AuditDetail): unknown {
  const out: Record<string, unknown> = { outcome, ...head };
  for (const [k, v] of Object.entries(detail ?? {})) if (!RESERVED.has(k)) out[k] = v;
  return out;
}

/**
 * The one way audit rows are written for actions: the Api dispatcher and every host open a
 * scope here, services commit their changes through it, and this records what the scope's owner
 * did not (an action without a database change, a failure). Rows go out as `appended` events
 * only after they are committed.
 */
export class AuditTrail {
  constructor(
    private readonly log: AuditLog,
    private readonly appended: (row: AuditEntry) => void,
    private readonly logger?: Logger,
  ) {}

  open(action: AuditAction): ActionRecord {
    return new ActionRecord(this, action);
  }

  /**
   * Runs one action through a scope: its change commits with its row (see AuditScope); when
   * `fn` changed nothing itself, an `ok` row is written after it returns; when it throws, a
   * `failed` row with `describe(err)` (or the end of its begun work), and the error is rethrown.
   */
  async run<T>(
    action: AuditAction,
    fn: (scope: AuditScope) => T | Promise<T>,
    describe: (err: unknown) => AuditFailure,
  ): Promise<T> {
    const scope = this.open(action);
    let value: T;
    try {
      value = await fn(scope);
    } catch (err) {
      this.recordFailure(scope, describe(err));
      throw err;
    }
    scope.succeeded();
    return value;
  }

  /** Records a refused or failed action; a failure to record it is logged, never hides the first error. */
  recordFailure(scope: ActionRecord, error: AuditFailure): void {
    try {
      if (!scope.failed(error))
        this.logger?.error('an action failed after its change was committed and audited', {
          action: scope.action,
          code: error.code,
          message: error.message,
        });
    } catch (err) {
      this.logger?.error('cannot audit a failed action', { action: scope.action, code: error.code, err });
    }
  }

  /** The end of long work begun earlier, e.g. by a run before a restart (its start row's seq). */
  followUp(action: Omit<AuditAction, 'request'>, startSeq: number): AuditFollowUp {
    return new FollowUp(this, action, startSeq);
  }

  /** Ends the action a job began when the process died during the job (its start row linked). */
  endInterrupted(start: JobAuditStart, reason: string): void {
    const { startSeq, actor, action, subject } = start;
    this.followUp({ actor, action, subject }, startSeq).end('failed', {
      code: 'interrupted',
      message: reason,
    });
  }

  /** @internal Appends one row in its own transaction (with `within`'s change, if given). */
  write(record: AuditRecord, within?: (row: AuditEntry) => void): AuditEntry {
    const row = this.log.append(record, within);
    this.appended(row);
    return row;
  }

  /** @internal Commits a change with its row. */
  writeWith<T>(change: () => T, record: (result: T) => AuditRecord): T {
    const { value, row } = this.log.commit(change, record);
    this.appended(row);
    return value;
  }
}

/** An open action: at most one of commit / begin / succeeded / failed writes its first row. */
export class ActionRecord implements AuditScope {
  private state: 'open' | 'committed' | 'begun' | 'recorded' = 'open';
  private work: FollowUp | undefined;

  constructor(
    private readonly trail: AuditTrail,
    private readonly a: AuditAction,
  ) {}

  get actor(): string {
    return this.a.actor;
  }
  get action(): string {
    return this.a.action;
  }
  get subject(): string {
    return this.a.subject;
  }

  private head(): Record<string, unknown> {
    return this.a.request === undefined ? {} : { request: this.a.request };
  }

  private claim(how: string): void {
    if (this.state !== 'open')
      throw new Error(`internal: ${this.a.action} is already recorded (${this.state}); cannot ${how} it`);
  }

  commit<T>(change: () => T, record: AuditedChange<T> = {}): T {
    this.claim('commit');
    const value = this.trail.writeWith(change, (result) => ({
      actor: this.a.actor,
      action: this.a.action,
      subject: record.subject?.(result) ?? this.a.subject,
      payload: payloadOf('ok', this.head(), record.detail?.(result)),
    }));
    this.state = 'committed';
    return value;
  }

  begin(detail?: AuditDetail, within?: (startSeq: number) => void): AuditFollowUp {
    this.claim('begin');
    const row = this.trail.write(
      {
        actor: this.a.actor,
        action: this.a.action,
        subject: this.a.subject,
        payload: payloadOf('started', this.head(), detail),
      },
      within && ((r) => within(r.seq)),
    );
    this.state = 'begun';
    this.work = new FollowUp(this.trail, this.a, row.seq);
    return this.work;
  }

  /** The action succeeded: its row, unless its change already wrote it. */
  succeeded(): void {
    if (this.state !== 'open') return;
    this.trail.write({
      actor: this.a.actor,
      action: this.a.action,
      subject: this.a.subject,
      payload: payloadOf('ok', this.head()),
    });
    this.state = 'recorded';
  }

  /**
   * The action failed or was refused: its row with the error (or the end of its begun work).
   * False when its change had already committed with an `ok` row: that row stands.
   */
  failed(error: AuditFailure): boolean {
    if (this.state === 'committed') return false;
    if (this.state === 'begun') {
      if (this.work && !this.work.ended) this.work.end('failed', error);
      return true;
    }
    if (this.state === 'recorded') return true;
    this.trail.write({
      actor: this.a.actor,
      action: this.a.action,
      subject: this.a.subject,
      payload: payloadOf('failed', { ...this.head(), error: failure(error) }),
    });
    this.state = 'recorded';
    return true;
  }
}

class FollowUp implements AuditFollowUp {
  private done = false;

  constructor(
    private readonly trail: AuditTrail,
    private readonly a: Omit<AuditAction, 'request'>,
    readonly startSeq: number,
  ) {}

  get ended(): boolean {
    return this.done;
  }

  private claim(): void {
    if (this.done) throw new Error(`internal: ${this.a.action} (row ${this.startSeq}) has already ended`);
  }

  commit<T>(change: () => T, record: AuditedChange<T> = {}): T {
    this.claim();
    const value = this.trail.writeWith(change, (result) => ({
      actor: this.a.actor,
      action: this.a.action,
      subject: record.subject?.(result) ?? this.a.subject,
      payload: payloadOf('ok', { startSeq: this.startSeq }, record.detail?.(result)),
    }));
    this.done = true;
    return value;
  }

  end(outcome: 'failed' | 'cancelled', error: AuditFailure): void {
    this.claim();
    this.trail.write({
      actor: this.a.actor,
      action: this.a.action,
      subject: this.a.subject,
      payload: payloadOf(outcome, { startSeq: this.startSeq, error: failure(error) }),
    });
    this.done = true;
  }
}

/** What a query is handed: it may not write audit rows (queries change nothing). */
export function queryScope(action: Omit<AuditAction, 'request'>): AuditScope {
  const refuse = (): never => {
    throw new Error(`internal: ${action.action} is a query and cannot write audit rows`);
  };
  return { ...action, commit: refuse, begin: refuse };
}
