import type { AuditEntry, AuditVerifyResult } from '../../../shared/audit';
import type { AuditRepository } from '../store';
import type { AuditHeadFile } from './audit-head';
import { GENESIS_HASH, hashEntry, macEntry, sameHex } from './audit-hash';

/** Actions the log itself appends (upgrade to keyed rows, re-anchoring after a lost head file). */
export const AUDIT_KEYED_ACTION = 'audit.keyed';
export const AUDIT_REANCHORED_ACTION = 'audit.reanchored';

interface Walk {
  rows: number;
  legacyRows: number;
  headHash: string;
  warnings: string[];
  broken?: { at: number; reason: string };
}

/** Walks the whole chain in order and stops at the first row that does not follow from the one before. */
export function walkChain(repo: AuditRepository, key: Buffer | undefined): Walk {
  const w: Walk = { rows: 0, legacyRows: 0, headHash: GENESIS_HASH, warnings: [] };
  let keyedSeen = false;
  for (const e of repo.scan()) {
    const problem = rowProblem(e, w, key, keyedSeen);
    if (problem) return { ...w, broken: { at: e.seq, reason: problem } };
    if (e.scheme === 'sha256') w.legacyRows += 1;
    else keyedSeen = true;
    if (e.action === AUDIT_REANCHORED_ACTION)
      w.warnings.push(
        `row ${e.seq}: the head file was missing when CallDeck started and was anchored again at ${e.seq - 1} rows; rows after the last anchor before it may have been deleted`,
      );
    w.headHash = e.hash;
    w.rows += 1;
  }
  return w;
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
  const w = walkChain(repo, key);
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
