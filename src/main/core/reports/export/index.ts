/** Exports: the row source, the writer registry and its formats, the export job. */
export { SqliteExportSource, failuresOf, type ExportHeading, type ExportSource } from './row-source';
export {
  ExportWriters,
  ExportCancelled,
  checkAborted,
  yieldToLoop,
  YIELD_EVERY_ROWS,
  type ExportProgress,
  type ExportWriter,
} from './writers';
export { ExportFormatError, ExportScopeError } from './errors';
export {
  SHEETS,
  sheetsFor,
  CALL_COLUMNS,
  callColumns,
  TURN_COLUMNS,
  VERDICT_COLUMNS,
  summaryLines,
  auditHeadLines,
  AUDIT_ROWS_METRIC,
  progressTotal,
  totalRows,
  type AnySheet,
  type Column,
  type CellKind,
  type CellValue,
  type SummaryLine,
} from './sheets';
export {
  RECORDING_FILE_NAMES,
  recordingsInBundle,
  recordingsInDataFolder,
  type RecordingNames,
} from './recording-names';
export { csvField, safeText, UTF8_BOM } from './cells';
export { csvWriter } from './csv-writer';
export { xlsxWriter } from './xlsx-writer';
export { xlsxCell, XlsxSheetCells, XLSX_DATE_FORMAT } from './xlsx-cells';
export { ExportJobs, EXPORT_JOB_KIND, EXPORTS_DIR, exportFileName, type ExportJobsDeps } from './export-job';
export { exportWriters } from './default-writers';
export { readExportAuditHead, withAuditHead } from './audit-head';
