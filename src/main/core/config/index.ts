export { defaultDataDir, APP_NAME, DATABASE_FILE, LOG_FILE, AUDIT_HEAD_FILE } from './data-dir';
export {
  ensurePrivateFile,
  mkdirPrivate,
  tightenDataDir,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
} from './private-files';
export { DEFAULT_DISK_FLOOR_BYTES, freeDiskBytes } from './disk-space';
