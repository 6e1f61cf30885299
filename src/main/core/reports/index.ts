export { AuditLog, AuditWriteError, type AuditRecord, type AuditLogOptions } from './audit-log';
export { AuditTrail, ActionRecord, queryScope, type AuditAction } from './audit-trail';
export { GENESIS_HASH, hashEntry, macEntry, AuditKeyError } from './audit-hash';
export { AuditHeadFile, type AuditHead } from './audit-head';
export { AUDIT_KEYED_ACTION, AUDIT_REANCHORED_ACTION } from './audit-verify';
export { openAuditLog, openAuditForVerify, AUDIT_SYSTEM_ACTOR } from './open-audit';
export * from './export';
