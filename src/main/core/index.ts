/** The core's public face: hosts import only from here. */
export {
  createCore,
  DATA_TOOL,
  FULL_APP,
  VOICEBOT_TOOL,
  verifyAuditChain,
  readAuditPage,
  compareBundleWithChain,
  NoDatabaseError,
  type Core,
  type CoreConfig,
  type CoreProfile,
  restoreCopy,
  type RestoreCopyResult,
} from './app';
export { defaultDataDir, APP_NAME, DATABASE_FILE } from './config';
// The limits `calldeck serve` and `calldeck voicebot` take as flags (validated by these schemas).
export { PublicSurfaceLimitsSchema, type PublicSurfaceLimitsInput } from './public-surface';
export { VoicebotLimitsSchema, type VoicebotLimitsInput } from './voicebot';
export { MemorySecretStore, type SecretStore } from './settings';
export { AuditLog, AuditTrail, GENESIS_HASH, openAuditLog } from './reports';
// `calldeck audit verify-bundle`: checks a bundle offline with the verify.mjs every bundle carries.
export { readBundleAuditRows, verifyBundleFile, type BundleVerifyResult } from './reports';
// The PDF printer a host may register (the desktop app: Electron's printToPDF).
export { DEFAULT_PRINT_TIMEOUT_MS, isPdf, PdfPrintError, type PdfPrinter, type PdfPrintJob } from './reports';
export { AuditRepository, openDatabase } from './store';
export {
  createLogger,
  stderrSink,
  installProcessFaultPolicy,
  processFaultCounts,
  UNCAUGHT_EXIT_CODE,
  type Logger,
  type ProcessFaultCounts,
} from './logging';
export type { LogSink } from './logging';
export { parseJson, type JsonLimits } from './input';
export { workerEnv, type WorkerLaunch, type WorkerLauncher, type WorkerProcess } from './speech';
// Domain pieces the CLI uses directly (import, lists, sandbox).
export {
  checkWritable,
  ContactsService,
  isImportError,
  type ImportProgress,
  type ImportSummary,
  type MappingOverride,
} from './contacts';
export { DEFAULT_SCRIPT, loadCalleeScript, startSandbox, type CalleeScript, type Sandbox } from './telephony';
// QA for `calldeck qa run`: the reports and the comparison with a baseline.
export {
  caseName,
  compareSuite,
  failureLines,
  htmlReport,
  junitXml,
  problemLine,
  summariseRuns,
  toComparable,
  type SuiteComparison,
} from './qa';
// Care of the data folder for `calldeck restore` (a folder is restored before any core opens it).
export { restoreBackup, RestoreError, type RestoreResult } from './data-care';
