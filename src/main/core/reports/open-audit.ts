import path from 'node:path';
import { AUDIT_HEAD_FILE } from '../config';
import type { Logger } from '../logging';
import type { SecretStore } from '../settings';
import { AuditRepository, type Db } from '../store';
import { AuditKeyError, GENESIS_HASH, newAuditKeyText, parseAuditKey } from './audit-hash';
import { AuditHeadFile } from './audit-head';
import { AuditLog, AuditLogClosedError } from './audit-log';
import { AUDIT_KEYED_ACTION, AUDIT_REANCHORED_ACTION, walkChain } from './audit-verify';

/** Who the log's own rows are recorded as (keying, re-anchoring). */
export const AUDIT_SYSTEM_ACTOR = 'calldeck';

export interface OpenAuditOptions {
  log?: Logger;
  now?: () => Date;
  /**
   * When keyed rows exist but the key is not in this secret store: 'create' (the app: a lost key
   * must not stop it; the old rows then fail verification, logged) or 'refuse' (a CLI command on a
   * folder whose key lives elsewhere, e.g. the desktop app's keychain).
   */
  missingKey?: 'create' | 'refuse';
}

/**
 * Opens the audit log of a data folder with its key (made on first use and kept in the host's
 * secret store, never in the database) and makes sure a head file anchors it.
 *
 * Databases from before keying hold plain SHA-256 rows. They are kept as they are, marked
 * `scheme = 'sha256'`, rather than re-hashed: their hashes may already have been exported or
 * quoted as evidence, and re-hashing would replace that evidence with new values nobody can check
 * against. Instead, at the first start with a key, the old chain is walked and the result appended
 * as an `audit.keyed` row, the first keyed row. Its MAC covers the legacy head hash (its
 * prev_hash), so from then on the unkeyed prefix cannot be edited and recomputed without breaking
 * that keyed row, and an unkeyed row after it is refused as forged.
 */
export function openAuditLog(
  db: Db,
  dataDir: string,
  secrets: SecretStore,
  o: OpenAuditOptions = {},
): AuditLog {
  const repo = new AuditRepository(db);
  const firstKeyed = repo.firstKeyed();
  let keyText = secrets.get('audit.key');
  const keyExisted = keyText !== undefined;
  if (keyText === undefined) {
    if (firstKeyed && o.missingKey === 'refuse')
      throw new AuditKeyError(
        `This data folder's audit key is not in this host's secret store (the desktop app keeps it in the OS keychain), so no audit row can be added here`,
      );
    if (firstKeyed)
      o.log?.error(
        'the audit key is missing but keyed audit rows exist: they can no longer be verified; a new key was made',
        { firstKeyedRow: firstKeyed.seq },
      );
    keyText = newAuditKeyText();
    secrets.set('audit.key', keyText);
  }
  const key = parseAuditKey(keyText);
  const head = new AuditHeadFile(path.join(dataDir, AUDIT_HEAD_FILE), key);
  const audit = new AuditLog(repo, { key, head, now: o.now, log: o.log });
  const last = repo.last();
  const reading = head.read();
  if (reading.state === 'damaged' || (reading.state === 'ok' && reading.macOk !== true))
    // Kept as it is: it is the evidence `calldeck audit verify` reports.
    o.log?.error('the audit head file does not check out; it is left as it is', {
      reason: reading.state === 'damaged' ? reading.reason : 'its MAC is not valid',
    });
  if (!last) {
    if (reading.state !== 'missing') return audit;
    // A new install: anchor the empty chain, so a head file exists from the first row on.
    audit.writeHead(0, GENESIS_HASH, 0);
    // An install with a key anchored before: the log and its head were deleted. Say so in the chain.
    if (keyExisted) reanchor(audit, 0, o.log);
    return audit;
  }
  if (!firstKeyed) {
    const walk = walkChain(repo, undefined);
    audit.writeHead(last.seq, last.hash, last.seq);
    audit.append({
      actor: AUDIT_SYSTEM_ACTOR,
      action: AUDIT_KEYED_ACTION,
      subject: 'audit',
      payload: {
        legacyRows: last.seq,
        legacyHeadHash: last.hash,
        legacyChain: walk.broken ? `broken at row ${walk.broken.at}: ${walk.broken.reason}` : 'intact',
      },
    });
    o.log?.info('audit log keyed: earlier rows keep their plain SHA-256 hashes', { legacyRows: last.seq });
    return audit;
  }
  if (reading.state === 'missing') {
    // Deleted, or lost with a copy of the database: anchor again, and say so in the chain itself.
    audit.writeHead(last.seq, last.hash, firstKeyed.seq - 1);
    reanchor(audit, last.seq, o.log);
  }
  return audit;
}

function reanchor(audit: AuditLog, rows: number, log: Logger | undefined): void {
  log?.error('the audit head file is missing; anchoring the log again (recorded in the log)', { rows });
  audit.append({
    actor: AUDIT_SYSTEM_ACTOR,
    action: AUDIT_REANCHORED_ACTION,
    subject: 'audit',
    payload: { reason: 'head file missing at start', rows },
  });
}

/** The log of a data folder for checking only (`calldeck audit verify`): no key means order-only checks. */
export function openAuditForVerify(db: Db, dataDir: string, keyText: string | undefined): AuditLog {
  const key = keyText === undefined ? undefined : parseAuditKey(keyText);
  return new AuditLog(new AuditRepository(db), {
    key,
    head: new AuditHeadFile(path.join(dataDir, AUDIT_HEAD_FILE), key),
  });
}

/** How often the app looks whether another program wrote to the database since its last walk. */
export const AUDIT_RECHECK_MS = 30_000;

/**
 * The app walks the whole chain at start, in slices that leave the event loop free (tampering
 * with old rows is logged then), and again whenever another program has written to the database
 * since (looked at every `recheckMs`): an export then walks only the rows written since. Returns
 * the function that stops it.
 */
export function checkAuditInBackground(
  audit: AuditLog,
  log: Logger | undefined,
  recheckMs = AUDIT_RECHECK_MS,
): () => void {
  let running = false;
  const run = () => {
    if (running || audit.isClosed || !audit.needsWholeWalk()) return;
    running = true;
    void audit.verifyInSlices().then(
      (r) => {
        running = false;
        if (r.ok) log?.info('audit chain verified', { rows: r.rows, warnings: r.warnings.length });
        else log?.error('the audit chain does not verify', { brokenAt: r.brokenAt, reason: r.reason });
      },
      (err: unknown) => {
        running = false;
        if (!(err instanceof AuditLogClosedError)) log?.error('cannot check the audit chain', { err });
      },
    );
  };
  run();
  const timer = setInterval(run, recheckMs);
  timer.unref();
  return () => clearInterval(timer);
}
