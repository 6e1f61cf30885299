import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuditEntry } from '../../../shared/audit';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditFields = Omit<AuditEntry, 'hash' | 'prevHash' | 'scheme'>;

const rowText = (e: AuditFields) => JSON.stringify([e.seq, e.at, e.actor, e.action, e.subject, e.payload]);

/** Legacy scheme (rows from before keying): SHA-256 over the previous hash and the row's fields. */
export function hashEntry(prevHash: string, e: AuditFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(rowText(e)).digest('hex');
}

/** Keyed scheme: the same input under HMAC-SHA256, so only a holder of the key can make a row. */
export function macEntry(key: Buffer, prevHash: string, e: AuditFields): string {
  return createHmac('sha256', key)
    .update('calldeck-audit-row-v1\n')
    .update(prevHash)
    .update('\n')
    .update(rowText(e))
    .digest('hex');
}

/** MAC of the anchored head (a different prefix from rows, so one can never pass for the other). */
export function macHead(key: Buffer, fields: readonly (string | number)[]): string {
  return createHmac('sha256', key)
    .update('calldeck-audit-head-v1\n')
    .update(JSON.stringify(fields))
    .digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export class AuditKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditKeyError';
  }
}

/** The key as kept in the secret store: 32 random bytes, hex. */
export const newAuditKeyText = (): string => randomBytes(32).toString('hex');

export function parseAuditKey(text: string): Buffer {
  if (!KEY_PATTERN.test(text))
    throw new AuditKeyError(
      'The stored audit key is damaged (expected 64 hex digits); the chain cannot be checked',
    );
  return Buffer.from(text, 'hex');
}
