import fs from 'node:fs';
import path from 'node:path';
import type { AuditVerifyResult } from '../../../shared/audit';
import { DATABASE_FILE } from '../config';
import { openAuditForVerify, type BundleAuditRow } from '../reports';
import { AuditRepository, openDatabase } from '../store';

/** A row's fields a bundle holds in full (withheld rows carry their hashes only). */
const CONTENT = ['at', 'actor', 'action', 'subject', 'payload'] as const;
const clip = (v: string | undefined) => (v === undefined ? '' : v.length > 60 ? `${v.slice(0, 60)}…` : v);

export class NoDatabaseError extends Error {
  constructor(file: string) {
    super(`No CallDeck database at ${file}`);
    this.name = 'NoDatabaseError';
  }
}

/**
 * Verifies the audit chain of a data dir without starting the app (`calldeck audit verify`): a
 * checker must not change what it checks, so no core is built (starting one could re-anchor a
 * missing head or make a key); only the database and the log, read as they are.
 * `auditKey` is the install's key from the host's secret store; without it keyed rows and the head
 * file are checked for order and linkage only (the result says so).
 */
export function verifyAuditChain(dataDir: string, auditKey: string | undefined): AuditVerifyResult {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(file)) throw new NoDatabaseError(file);
  const db = openDatabase(file);
  try {
    return openAuditForVerify(db, dataDir, auditKey).verify();
  } finally {
    db.close();
  }
}

/**
 * Compares an audit bundle's slice with this data folder's log, read-only: every row the bundle
 * holds must still be here with the same hash (and, in full, the same content). The bundle was
 * signed when it was made, so this catches what the head file alone cannot: rows deleted or
 * rewritten afterwards together with an older, valid head file put back.
 */
export function compareBundleWithChain(
  dataDir: string,
  rows: readonly BundleAuditRow[],
  fingerprint: string | null,
): string[] {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(file)) throw new NoDatabaseError(file);
  const db = openDatabase(file);
  try {
    const repo = new AuditRepository(db);
    const problems: string[] = [];
    for (const r of rows) {
      const here = repo.at(r.seq);
      if (!here) {
        const last = repo.last()?.seq ?? 0;
        problems.push(
          `this install's audit log ends at row ${last} but the bundle holds rows up to ${rows.at(-1)?.seq ?? r.seq}: rows were deleted after the bundle was made`,
        );
        break;
      }
      const fields = (['hash', 'prevHash', ...(r.withheld ? [] : CONTENT)] as const).filter(
        (f) => here[f] !== r[f],
      );
      if (fields.length > 0) {
        // Which side was rewritten cannot be told from here: the bundle's own checks (its signed
        // manifest) say whether its copy is intact; if it is, the install's row was changed.
        const shown = fields.map((f) =>
          CONTENT.includes(f as (typeof CONTENT)[number]) && f !== 'payload'
            ? `${f} '${clip(here[f])}' here, '${clip(r[f])}' in the bundle`
            : f,
        );
        problems.push(
          `row ${r.seq} differs between this install's audit log and the bundle's copy (${shown.join('; ')}): one of them was rewritten; if the bundle matches its signed manifest, it is this install's row`,
        );
        break;
      }
    }
    // The install's own rows name the keys its exports were signed with (HMAC-protected there).
    const signedHere =
      fingerprint !== null &&
      db
        .prepare(
          "SELECT 1 FROM audit_log WHERE action = 'reports.export' AND json_extract(payload, '$.signingKey') = ? LIMIT 1",
        )
        .get(fingerprint) !== undefined;
    if (!signedHere)
      problems.push(
        `no export in this install's audit log was signed with key ${fingerprint ?? '(none)'}: the bundle was signed elsewhere, or that row was deleted`,
      );
    return problems;
  } finally {
    db.close();
  }
}
