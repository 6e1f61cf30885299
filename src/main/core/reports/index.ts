export {
  AuditLog,
  AuditLogClosedError,
  AuditWriteError,
  type AuditRecord,
  type AuditLogOptions,
} from './audit-log';
export {
  AuditTrail,
  ActionRecord,
  JobAuditStartSchema,
  queryScope,
  type AuditAction,
  type JobAuditStart,
} from './audit-trail';
export { GENESIS_HASH, hashEntry, macEntry, AuditKeyError } from './audit-hash';
export { AuditHeadFile, type AuditHead } from './audit-head';
export { AUDIT_KEYED_ACTION, AUDIT_REANCHORED_ACTION } from './audit-verify';
export { openAuditLog, openAuditForVerify, checkAuditInBackground, AUDIT_SYSTEM_ACTOR } from './open-audit';
export {
  type PdfPrinter,
  type PdfPrintJob,
  type PdfErrorReason,
  PdfPrintError,
  DEFAULT_PRINT_TIMEOUT_MS,
  isPdf,
} from './pdf/printer';
export { chromiumPrinter, type ChromiumPrinterOptions } from './pdf/chromium-printer';
export { findChromium, CHROMIUM_ENV_VARS } from './pdf/find-chromium';
export * from './export';
export { htmlWriter, writeHtmlReport, type HtmlReportOptions } from './html/html-writer';
export { pdfWriter } from './html/pdf-writer';
export { DEFAULT_EMBED_LIMIT_BYTES, type AudioMode } from './html/audio';
export * from './bundle';
export { HashedZip, type HashedFile, type HashedZipOptions } from './hashed-zip';
export { javascriptCrc32, yazlUsesNativeCrc32 } from './zip-crc';
