export { AuditLog, GENESIS_HASH, hashEntry, type AuditRecord } from './audit-log';
