export { defaultDataDir, APP_NAME, DATABASE_FILE, LOG_FILE } from './data-dir';
