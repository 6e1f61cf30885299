import fs from 'node:fs';
import path from 'node:path';
import type { AuditVerifyResult } from '../../../shared/audit';
import { DATABASE_FILE } from '../config';
import { openAuditForVerify } from '../reports';
import { openDatabase } from '../store';

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
