import { performance } from 'node:perf_hooks';
import type { AuditEntry, AuditVerifyResult } from '../../../shared/audit';
import type { AuditRepository } from '../store';
import type { AuditHeadFile } from './audit-head';
import { GENESIS_HASH, hashEntry, macEntry, sameHex } from './audit-hash';

/** Actions the log itself appends (upgrade to keyed rows, re-anchoring after a lost head file). */
export const AUDIT_KEYED_ACTION = 'audit.keyed';
export const AUDIT_REANCHORED_ACTION = 'audit.reanchored';

/** Where a walk stands: rows 1..`rows` checked in order, each following from the one before. */
export interface ChainCheckpoint {
  rows: number;
  /** The hash of row `rows` (the genesis hash before any row). */
  headHash: string;
  legacyRows: number;
  keyedSeen: boolean;
  warnings: string[];
}

export interface Walk extends ChainCheckpoint {
  broken?: { at: number; reason: string };
}

export const GENESIS_CHECKPOINT: ChainCheckpoint = {
  rows: 0,
  headHash: GENESIS_HASH,
  legacyRows: 0,
  keyedSeen: false,
  warnings: [],
};

/** How much one step may check: rows, and (when given) milliseconds before it returns. */
export interface WalkBudget {
  rows?: number;
  ms?: number;
}

const BATCH = 1000;
/** Rows between clock readings in a timed step. */
const CLOCK_EVERY = 128;

/**
 * A walk of the chain in order that can stop and go on (from where it stopped, or from a checkpoint
 * an earlier walk reached): the app walks a long log in slices that let the event loop run between
 * them, and an export walks only the rows after the last check.
 */
export class ChainWalk {
  private readonly w: Walk;

  constructor(
    private readonly repo: AuditRepository,
    private readonly key: Buffer | undefined,
    from: ChainCheckpoint = GENESIS_CHECKPOINT,
  ) {
    this.w = { ...from, warnings: [...from.warnings] };
  }

  /** True once the walk reached the last row or a broken one. */
  done = false;

  get broken(): { at: number; reason: string } | undefined {
    return this.w.broken;
  }

  /** The rows checked so far (before a broken row, if one was found). */
  get checkpoint(): ChainCheckpoint {
    const { broken: _b, ...cp } = this.w;
    return { ...cp, warnings: [...cp.warnings] };
  }

  /** Walks on within `budget` (no budget: to the end); returns `done`. */
  step(budget: WalkBudget = {}): boolean {
    if (this.done) return true;
    const maxRows = budget.rows ?? Infinity;
    const until = budget.ms === undefined ? Infinity : performance.now() + budget.ms;
    let n = 0;
    for (const e of this.repo.scan(BATCH, this.w.rows)) {
      if (!this.check(e)) return (this.done = true);
      n += 1;
      if (n >= maxRows || (n % CLOCK_EVERY === 0 && performance.now() >= until)) return false;
    }
    return (this.done = true);
  }

  private check(e: AuditEntry): boolean {
    const w = this.w;
    const problem = rowProblem(e, w, this.key, w.keyedSeen);
    if (problem) {
      w.broken = { at: e.seq, reason: problem };
      return false;
    }
    if (e.scheme === 'sha256') w.legacyRows += 1;
    else w.keyedSeen = true;
    if (e.action === AUDIT_REANCHORED_ACTION)
      w.warnings.push(
        `row ${e.seq}: the head file was missing when CallDeck started and was anchored again at ${e.seq - 1} rows; rows after the last anchor before it may have been deleted`,
      );
    w.headHash = e.hash;
    w.rows += 1;
    return true;
  }
}

/** Walks the whole chain in order and stops at the first row that does not follow from the one before. */
export function walkChain(repo: AuditRepository, key: Buffer | undefined): Walk {
  const walk = new ChainWalk(repo, key);
  walk.step();
  return { ...walk.checkpoint, ...(walk.broken ? { broken: walk.broken } : {}) };
}

/**
 * What must still hold for a walk to go on from `from`: row `from.rows` is there with the hash it
 * had. Rows before it are not walked again (a whole walk does that).
 */
export function checkpointHolds(repo: AuditRepository, from: ChainCheckpoint): boolean {
  if (from.rows === 0) return true;
  const row = repo.at(from.rows);
  return row !== undefined && sameHex(row.hash, from.headHash);
}

function rowProblem(e: AuditEntry, w: Walk, key: Buffer | undefined, keyedSeen: boolean): string | undefined {
  if (e.seq !== w.rows + 1) return `expected row ${w.rows + 1} here: rows are missing`;
  if (e.prevHash !== w.headHash)
    return 'prev_hash does not match the previous row: rows were removed or reordered';
  if (e.scheme === 'sha256') {
    // Unkeyed rows are only ever the prefix written before keying: one after a keyed row is forged.
    if (keyedSeen)
      return 'an unkeyed (plain SHA-256) row after keyed rows: it was forged without the audit key';
    if (!sameHex(hashEntry(e.prevHash, e), e.hash)) return 'hash does not match the row: it was edited';
    return undefined;
  }
  if (e.scheme !== 'hmac-sha256') return `unknown hash scheme "${String(e.scheme)}"`;
  if (key && !sameHex(macEntry(key, e.prevHash, e), e.hash))
    return 'hash does not match the row: it was edited, or recomputed without the audit key';
  return undefined;
}

/**
 * The chain, then the chain against the anchored head: truncation (newest rows or all of them) and
 * a recomputed chain are caught here even when every row links to the one before.
 */
export function verifyAudit(
  repo: AuditRepository,
  head: AuditHeadFile,
  key: Buffer | undefined,
): AuditVerifyResult {
  return judgeWalk(repo, head, key, walkChain(repo, key));
}

/** The chain as a finished walk found it, against the anchored head. */
export function judgeWalk(
  repo: AuditRepository,
  head: AuditHeadFile,
  key: Buffer | undefined,
  w: Walk,
): AuditVerifyResult {
  const reading = head.read();
  const anchoredRows = reading.state === 'ok' ? reading.head.rows : null;
  const warnings = [...w.warnings];
  if (!key)
    warnings.push(
      'the audit key is not available here: keyed rows and the head file were checked for order only, not authenticity',
    );
  const base = { rows: w.rows, anchoredRows, keyChecked: key !== undefined, warnings };
  const broken = (at: number, reason: string): AuditVerifyResult => ({
    ok: false,
    brokenAt: at,
    reason,
    ...base,
  });
  if (w.broken) return broken(w.broken.at, w.broken.reason);

  if (reading.state === 'missing') {
    // Opening the log makes its key and anchors the empty chain together: a key without a head file
    // means the head was deleted, and with an empty log, every row with it.
    if (w.rows === 0 && key)
      return broken(
        1,
        `the head file ${head.file} is missing but this install has an audit key, so a head was anchored before: the log and its head were deleted`,
      );
    if (w.rows === 0) return { ok: true, headHash: w.headHash, ...base };
    return broken(
      w.rows,
      `the head file ${head.file} is missing but the log has ${w.rows} rows: it was deleted, so truncation cannot be ruled out`,
    );
  }
  if (reading.state === 'damaged')
    return broken(w.rows, `the head file ${head.file} is damaged: ${reading.reason}`);
  const anchor = reading.head;
  if (reading.macOk === false)
    return broken(
      anchor.rows,
      'the head file does not carry a valid MAC: it was forged, or the audit key changed',
    );
  if (w.rows < anchor.rows) {
    const reason =
      w.rows === 0
        ? `the log is empty but the anchored head says ${anchor.rows} rows: all rows were deleted`
        : `the log ends at row ${w.rows} but the anchored head says ${anchor.rows} rows: the newest ${anchor.rows - w.rows} were deleted`;
    return broken(w.rows + 1, reason);
  }
  const anchoredRow = anchor.rows === 0 ? undefined : repo.at(anchor.rows);
  const hashThere = anchoredRow?.hash ?? GENESIS_HASH;
  if (!sameHex(hashThere, anchor.headHash))
    return broken(
      anchor.rows,
      `row ${anchor.rows}'s hash differs from the anchored head: the chain was rewritten and recomputed`,
    );
  if (w.legacyRows !== anchor.legacyRows)
    return broken(
      Math.min(w.legacyRows, anchor.legacyRows) + 1,
      `${w.legacyRows} unkeyed rows where the anchored head says ${anchor.legacyRows}: rows were re-hashed without the audit key`,
    );
  if (w.rows > anchor.rows)
    warnings.push(
      `${w.rows - anchor.rows} row(s) after the anchored head (row ${anchor.rows}): written just before the head was updated, e.g. before a crash`,
    );
  return { ok: true, headHash: w.headHash, ...base };
}
