import { isSupportedCountry } from 'libphonenumber-js/min';
import { z } from 'zod';

/**
 * Request schemas and result shapes of the contacts service. They are what the Api contract will
 * expose (src/shared), so they hold plain JSON values only.
 */

/** A column named by its header text (case-insensitive) or by its 1-based number: "#3". */
const ColumnRefSchema = z.string().trim().min(1, 'Empty column name').max(500);

export const MappingOverrideSchema = z
  .object({
    phone: ColumnRefSchema.optional(),
    /** null: the file has no name column. */
    name: ColumnRefSchema.nullable().optional(),
    /** Columns not to keep as variables. */
    ignore: z.array(ColumnRefSchema).max(1000).optional(),
  })
  .strict();
export type MappingOverride = z.infer<typeof MappingOverrideSchema>;

export const RegionSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'A region is a two-letter country code such as IN')
  .refine((r) => isSupportedCountry(r), 'Unknown country code');

export const SourceOptionsSchema = z
  .object({
    file: z.string().min(1).max(4096),
    /** Sheet name or 1-based number; default: the first sheet. Ignored for CSV. */
    sheet: z.string().trim().min(1).max(200).optional(),
    /** 1-based row holding the headers, or 0 when the file has none; default: detected. */
    headerRow: z.number().int().min(0).max(1_048_576).optional(),
    region: RegionSchema.default('IN'),
  })
  .strict();
export type SourceOptions = z.input<typeof SourceOptionsSchema>;

export const ImportRequestSchema = SourceOptionsSchema.extend({
  listName: z.string().trim().min(1, 'A list needs a name').max(200),
  mapping: MappingOverrideSchema.optional(),
  /** The name to record when `file` is a temporary copy (an upload). Default: the file's own name. */
  fileName: z.string().trim().min(1).max(500).optional(),
}).strict();
export type ImportRequest = z.input<typeof ImportRequestSchema>;

export interface ColumnRef {
  /** 0-based column index. */
  column: number;
  header: string;
}
export interface VariableColumn extends ColumnRef {
  /** snake_case name the voicebot uses: {{loan_id}}. */
  key: string;
}
export interface ResolvedMapping {
  phone: ColumnRef;
  name: ColumnRef | null;
  variables: VariableColumn[];
  ignored: ColumnRef[];
}

export type FileFormat = 'csv' | 'xlsx' | 'xls' | 'ods';

export interface SourceDetails {
  format: FileFormat;
  /** CSV only. */
  encoding?: string;
  delimiter?: string;
  /** Spreadsheets only. */
  sheet?: string;
  sheets?: string[];
}

export interface ImportPreview {
  source: SourceDetails;
  /** 1-based row of the header, 0 when the file has none. */
  headerRow: number;
  headers: string[];
  sample: { row: number; cells: string[] }[];
  /** null when no column looks like a phone number: the user must choose. */
  mapping: ResolvedMapping | null;
  warnings: string[];
}

export interface RowReject {
  /** 1-based row in the file as a spreadsheet shows it (the header is a row too). */
  row: number;
  reason: string;
}

export interface ImportSummary {
  listId: number;
  listName: string;
  file: { name: string; size: number; sha256: string };
  source: SourceDetails;
  headerRow: number;
  mapping: ResolvedMapping;
  /** Data rows: rows = valid + invalid + duplicates. Blank rows are not data. */
  rows: number;
  valid: number;
  invalid: number;
  duplicates: number;
  /** Valid numbers on the Do-Not-Call list (imported, never dialled). */
  dnc: number;
  /** Valid numbers already in another list (reported, still imported). */
  inOtherLists: number;
  blankRows: number;
  /** The first rejected rows (invalid and duplicates); all of them are in the reject file. */
  rejects: RowReject[];
  rejectsTruncated: boolean;
  warnings: string[];
  durationMs: number;
}

export interface ImportProgress {
  phase: 'reading' | 'saving';
  rows: number;
  valid: number;
  invalid: number;
  duplicates: number;
  bytesRead: number;
  totalBytes: number;
  rowsPerSecond: number;
}

export interface ImportControl {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface ListSummary {
  id: number;
  name: string;
  createdAt: string;
  createdBy: string;
  file: { name: string; size: number; sha256: string; format: string };
  rows: number;
  valid: number;
  invalid: number;
  duplicates: number;
  dnc: number;
  inOtherLists: number;
}

export type ContactStatus = 'valid' | 'invalid' | 'duplicate';

export interface ContactView {
  id: number;
  row: number;
  status: ContactStatus;
  phone: string | null;
  phoneRaw: string;
  name: string;
  variables: Record<string, string>;
  reason: string | null;
  duplicateOfRow: number | null;
  otherListId: number | null;
  dnc: boolean;
}

export const ContactsPageSchema = z
  .object({
    listId: z.number().int().positive(),
    status: z.enum(['valid', 'invalid', 'duplicate']).optional(),
    afterRow: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(5000).default(500),
  })
  .strict();
export type ContactsPageRequest = z.input<typeof ContactsPageSchema>;

export const DncAddSchema = z
  .object({
    phones: z.array(z.string().max(100)).min(1).max(100_000),
    note: z.string().trim().max(500).default(''),
    region: RegionSchema.default('IN'),
  })
  .strict();
export type DncAddRequest = z.input<typeof DncAddSchema>;

export interface DncEntry {
  phone: string;
  note: string;
  source: string;
  addedAt: string;
  addedBy: string;
}
