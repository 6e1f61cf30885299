import fs from 'node:fs';
import path from 'node:path';
import type { AuditVerifyResult } from '../../shared/audit';
import { DATABASE_FILE } from './config';
import { AuditLog } from './reports';
import { AuditRepository, openDatabase } from './store';

export class NoDatabaseError extends Error {
  constructor(file: string) {
    super(`No CallDeck database at ${file}`);
    this.name = 'NoDatabaseError';
  }
}

/** Verifies the audit chain of a data dir without starting the app (`calldeck audit verify`). */
export function verifyAuditChain(dataDir: string): AuditVerifyResult {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(file)) throw new NoDatabaseError(file);
  const db = openDatabase(file);
  try {
    return new AuditLog(new AuditRepository(db)).verify();
  } finally {
    db.close();
  }
}
