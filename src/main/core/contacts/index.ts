/** Contact lists: CSV/XLSX import, column mapping, phone normalisation, duplicates, DNC. */
export { ContactsService, type ContactsDeps } from './contacts-service';
export { DncService, type DncChange } from './dnc-service';
export { ImportError, isImportError, type ImportErrorCode } from './errors';
export { neutraliseForExport } from '../../../shared/export-safety';
export { normalisePhone, type PhoneResult, type PhoneRegion } from './phone';
export { checkWritable, csvField, csvLine } from './reject-file';
export { MAX_SPREADSHEET_BYTES } from './xlsx-source';
export { MAX_CELL_CHARS } from './classify';
export { MAX_COLUMNS } from './source';
export * from './types';
