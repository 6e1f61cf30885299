import type { AuditEntry, AuditPage, AuditVerifyResult } from '../../../shared/audit';
import type { Logger } from '../logging';
import type { AuditRepository } from '../store';
import { GENESIS_HASH, macEntry, sameHex } from './audit-hash';
import type { AuditHeadFile, HeadReading } from './audit-head';
import { ChainWalk, checkpointHolds, judgeWalk, type ChainCheckpoint, type Walk } from './audit-verify';

export interface AuditRecord {
  actor: string;
  action: string;
  subject: string;
  /** Any JSON-serialisable value; stored as JSON text. */
  payload: unknown;
}

/** The row recording a change could not be written, so the change was rolled back. */
export class AuditWriteError extends Error {
  constructor(action: string, cause: unknown) {
    super(
      `Not saved: the audit log could not record ${action} (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
    this.name = 'AuditWriteError';
  }
}

interface Checked {
  cp: ChainCheckpoint;
  at: string;
  dataVersion: number;
}

/** A check in slices was stopped because the app is stopping. */
export class AuditLogClosedError extends Error {
  constructor() {
    super('the audit log was closed during its check');
    this.name = 'AuditLogClosedError';
  }
}

export interface AuditLogOptions {
  /** The install's HMAC key; without it the log can be verified (order only) but not appended to. */
  key?: Buffer;
  /** The head file beside the database. */
  head: AuditHeadFile;
  now?: () => Date;
  log?: Logger;
}

/**
 * The tamper-evident log: every row carries a keyed hash (HMAC) of the one before it and of
 * itself, so editing, deleting or reordering any row breaks the chain from that row on, and the
 * chain cannot be recomputed without the key. After each commit the head (length and last hash)
 * is anchored in a MACed file outside the database, so deleting the newest rows is caught too.
 */
export class AuditLog {
  private readonly now: () => Date;
  private anchorTimer: NodeJS.Immediate | undefined;
  /** Set once tampering was seen while anchoring: the head is then never moved (it is the evidence). */
  private anchorRefused = false;
  /**
   * The furthest prefix of the chain a walk with the key found intact, when, and the database's
   * data_version then: an export's check walks only the rows after it, unless another connection
   * has committed since (an edit with sqlite3, the CLI), which sends it back to a whole walk. A walk
   * that finds a broken row moves it back before that row.
   */
  private checked: Checked | undefined;
  private closed = false;

  constructor(
    private readonly repo: AuditRepository,
    private readonly options: AuditLogOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Appends one row; `within` (if given) runs in the same transaction, after the row is written. */
  append(record: AuditRecord, within?: (row: AuditEntry) => void): AuditEntry {
    const entry = this.repo.transaction(() => {
      const row = this.appendRow(record);
      within?.(row);
      return row;
    });
    this.anchorSoon();
    return entry;
  }

  /**
   * Runs `change` and appends the row `record` makes of its result in one IMMEDIATE transaction,
   * the outermost one, so the head is anchored only after both are committed. A row that cannot
   * be written rolls the change back and throws an `AuditWriteError`.
   */
  commit<T>(change: () => T, record: (result: T) => AuditRecord): { value: T; row: AuditEntry } {
    if (this.repo.inTransaction())
      throw new Error('internal: an audited change must be its own transaction, not inside another');
    const out = this.repo.transaction(() => {
      const value = change();
      let action = 'an action';
      try {
        const r = record(value);
        action = r.action;
        return { value, row: this.appendRow(r) };
      } catch (err) {
        throw new AuditWriteError(action, err);
      }
    });
    this.anchorNow();
    return out;
  }

  private appendRow(record: AuditRecord): AuditEntry {
    const key = this.options.key;
    if (!key) throw new Error('internal: the audit log was opened without its key and cannot be appended to');
    const last = this.repo.last();
    const base = {
      seq: (last?.seq ?? 0) + 1,
      at: this.now().toISOString(),
      actor: record.actor,
      action: record.action,
      subject: record.subject,
      payload: JSON.stringify(record.payload ?? null),
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const row: AuditEntry = {
      ...base,
      prevHash,
      hash: macEntry(key, prevHash, base),
      scheme: 'hmac-sha256',
    };
    this.repo.insert(row);
    return row;
  }

  /**
   * The row is committed only when the outermost transaction is (an append may run inside a
   * caller's transaction, e.g. a migration's). Synchronous transactions end before the next macrotask, so
   * the head is anchored then, from what the table really holds.
   */
  private anchorSoon(): void {
    if (!this.repo.inTransaction()) {
      this.anchorNow();
      return;
    }
    this.anchorTimer ??= setImmediate(() => {
      this.anchorTimer = undefined;
      this.anchorNow();
    });
  }

  /** Anchors any pending head now (before the database closes). */
  flush(): void {
    if (!this.anchorTimer) return;
    clearImmediate(this.anchorTimer);
    this.anchorTimer = undefined;
    this.anchorNow();
  }

  /**
   * Writes the table's head to the head file, but only when it extends the anchored one: a table
   * shorter than the anchor, or with another hash at the anchored row, is tampering, and the old
   * anchor is kept as its evidence.
   */
  anchorNow(): void {
    if (this.anchorRefused || this.repo.inTransaction()) return;
    try {
      const last = this.repo.last();
      if (!last) return;
      const reading = this.options.head.read();
      const refuse = (why: string) => {
        this.anchorRefused = true;
        this.options.log?.error('audit head not updated: the log does not extend the anchored head', { why });
      };
      if (reading.state === 'damaged') return refuse(reading.reason);
      // Opening the log always leaves a head file (see openAuditLog): one missing now was deleted.
      if (reading.state === 'missing')
        return refuse('the head file is missing (it is anchored again, audited, at the next start)');
      const anchor = reading.head;
      if (reading.macOk !== true) return refuse('the head file MAC is not valid');
      if (anchor.rows > last.seq) return refuse(`${anchor.rows} rows anchored, ${last.seq} in the table`);
      const there = anchor.rows === 0 ? GENESIS_HASH : this.repo.at(anchor.rows)?.hash;
      if (there === undefined || !sameHex(there, anchor.headHash))
        return refuse(`row ${anchor.rows} differs from the anchored head`);
      if (anchor.rows === last.seq) return;
      this.repo.syncToDisk();
      this.writeHead(last.seq, last.hash, anchor.legacyRows);
    } catch (err) {
      // The row is committed either way; verify reports the lagging head.
      this.options.log?.error('cannot write the audit head file', { err });
    }
  }

  /** Anchors the table's current head unconditionally (first keying, or re-anchoring at start). */
  writeHead(rows: number, headHash: string, legacyRows: number): void {
    this.options.head.write({ rows, headHash, legacyRows, at: this.now().toISOString() });
  }

  list(beforeSeq: number | undefined, limit: number): AuditPage {
    return {
      entries: this.repo.page(beforeSeq ?? Number.MAX_SAFE_INTEGER, limit),
      total: this.repo.count(),
    };
  }

  /** The anchored head as the head file holds it now (an audit bundle carries it). */
  readHead(): HeadReading {
    this.flush();
    return this.options.head.read();
  }

  /**
   * Walks the whole chain, then compares it with the anchored head; names the first problem. It
   * holds the thread for the whole walk (~5.5 s at 1,000,000 rows): the app uses `verifyInSlices`.
   */
  verify(): AuditVerifyResult {
    const version = this.repo.dataVersion();
    const walk = new ChainWalk(this.repo, this.options.key);
    walk.step();
    return this.finish(walk, undefined, version);
  }

  /**
   * The same whole walk and result as `verify`, in slices of about `sliceMs` that let the event
   * loop run between them (the Audit page's Verify, the check at start). Rows appended meanwhile
   * are walked too; the last slice and the head's check run in one turn of the loop.
   */
  async verifyInSlices(sliceMs = 8): Promise<AuditVerifyResult> {
    const version = this.repo.dataVersion();
    const walk = new ChainWalk(this.repo, this.options.key);
    await this.stepInSlices(walk, sliceMs, () => this.remember(walk, false, version));
    return this.finish(walk, undefined, version);
  }

  /**
   * The chain checked as an export states it: rows after the last walk's checkpoint are walked
   * (their links and HMACs); rows up to it are trusted to that walk, provided no other connection
   * has written to the database since and the checkpoint row is still there with its hash
   * (`checkedBefore` says which rows and when). Otherwise the whole chain is walked, as `verify`
   * (seconds on a log of a million rows): in slices of about `sliceMs` that let the event loop run.
   */
  async verifySinceChecked(sliceMs = 8): Promise<AuditVerifyResult> {
    const version = this.repo.dataVersion();
    const checked = this.checked;
    // Another writer since, or the checkpoint row changed or gone: the whole chain is walked again.
    const from =
      checked?.dataVersion === version && checkpointHolds(this.repo, checked.cp) ? checked : undefined;
    const walk = new ChainWalk(this.repo, this.options.key, from?.cp);
    await this.stepInSlices(walk, sliceMs);
    return this.finish(walk, from, version);
  }

  /** Steps a walk to its end in slices, letting the event loop run (and `between`) in between. */
  private async stepInSlices(walk: ChainWalk, sliceMs: number, between?: () => void): Promise<void> {
    while (!walk.step({ ms: sliceMs })) {
      between?.();
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.closed) throw new AuditLogClosedError();
    }
  }

  /** True when an export's check would walk the whole chain (nothing walked yet, or another connection wrote since). */
  needsWholeWalk(): boolean {
    return this.options.key !== undefined && this.checked?.dataVersion !== this.repo.dataVersion();
  }

  /** Stops a check in slices at its next slice (before the database closes). */
  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private finish(walk: ChainWalk, from: Checked | undefined, version: number): AuditVerifyResult {
    const w: Walk = { ...walk.checkpoint, ...(walk.broken ? { broken: walk.broken } : {}) };
    const result = judgeWalk(this.repo, this.options.head, this.options.key, w);
    // A walk that went on from a checkpoint vouches for the rows before it only as that walk did.
    this.remember(walk, true, version, from?.at);
    return from && from.cp.rows > 0
      ? { ...result, checkedBefore: { rows: from.cp.rows, at: from.at } }
      : result;
  }

  /**
   * Keeps a keyed walk's checkpoint when no other connection wrote during it (`version`: the
   * data_version it started at): a finished walk's always (a break moves it back), a partial one's
   * when it is further. `at`: when its rows were walked from the first (default now).
   */
  private remember(walk: ChainWalk, finished: boolean, version: number, at?: string): void {
    if (!this.options.key || this.repo.dataVersion() !== version) return;
    const cp = walk.checkpoint;
    if (!finished && this.checked?.dataVersion === version && this.checked.cp.rows >= cp.rows) return;
    this.checked = { cp, at: at ?? this.now().toISOString(), dataVersion: version };
  }
}
