import type { ArtifactRef } from './artifacts';
import { z } from 'zod';
import { PhoneRegionSchema } from './regions';

/**
 * Contact lists as the Api exposes them: request schemas (validated by the core at the edge) and
 * the plain-JSON results the UI shows. Files are referenced by the id `files.stage` returned.
 */

/** The one region rule, as Settings checks it: a country the number parser knows (not ZZ). */
const Region = PhoneRegionSchema;
const FileId = z.string().min(1).max(100);
/** A column named by its header text (case-insensitive) or by its 1-based number: "#3". */
const ColumnRef = z.string().trim().min(1, 'Empty column name').max(500);

const OBJECT_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A template variable's name as bots write it: {{loan_id}}. `phone` and `name` are the contact's own. */
export const VariableName = z
  .string()
  .trim()
  .regex(/^[a-z_][a-z0-9_]{0,63}$/, 'A variable name is lower-case letters, digits and _ (e.g. loan_id)')
  .refine((v) => v !== 'phone' && v !== 'name', 'phone and name are the contact’s own fields, not variables')
  // An object's own keys: as a variable they would be lost (__proto__) or shadow what templates read.
  .refine(
    (v) => !OBJECT_KEYS.has(v),
    '__proto__, constructor and prototype are not variable names (JavaScript objects keep them for themselves)',
  );

export const MappingOverrideSchema = z
  .object({
    phone: ColumnRef.optional(),
    /** null: the file has no name column. */
    name: ColumnRef.nullable().optional(),
    /** Columns not to keep as variables. */
    ignore: z.array(ColumnRef).max(1000).optional(),
    /**
     * The variable name the bot knows a column by, where it is not the header's own (e.g. a column
     * "Appt Day" read as {{appointment_day}}): column (header or "#N") → name.
     */
    variables: z.record(ColumnRef, VariableName).optional(),
  })
  .strict();
export type MappingOverride = z.infer<typeof MappingOverrideSchema>;

export const PreviewRequestSchema = z
  .object({
    fileId: FileId,
    /** Sheet name or 1-based number; default: the first sheet. Ignored for CSV. */
    sheet: z.string().trim().min(1).max(200).optional(),
    /** 1-based row holding the headers, or 0 when the file has none; default: detected. */
    headerRow: z.number().int().min(0).max(1_048_576).optional(),
    region: Region.optional(),
  })
  .strict();

export const StartImportSchema = PreviewRequestSchema.extend({
  listName: z.string().trim().min(1, 'A list needs a name').max(200),
  mapping: MappingOverrideSchema.optional(),
}).strict();

export const ImportIdSchema = z.object({ importId: z.string().min(1).max(100) }).strict();
export const ListIdSchema = z.object({ listId: z.number().int().positive() }).strict();

export const ContactsPageSchema = z
  .object({
    listId: z.number().int().positive(),
    status: z.enum(['valid', 'invalid', 'duplicate']).optional(),
    afterRow: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(5000).default(500),
  })
  .strict();

export const DncAddSchema = z
  .object({
    phones: z.array(z.string().max(100)).min(1, 'Enter at least one number').max(100_000),
    note: z.string().trim().max(500).default(''),
    region: Region.optional(),
  })
  .strict();
export const DncRemoveSchema = z
  .object({ phones: z.array(z.string().max(100)).min(1).max(100_000), region: Region.optional() })
  .strict();
export const DncListSchema = z
  .object({
    afterPhone: z.string().max(20).default(''),
    limit: z.number().int().min(1).max(5000).default(500),
  })
  .strict();
export const DncImportSchema = z
  .object({
    fileId: FileId,
    sheet: z.string().trim().min(1).max(200).optional(),
    column: ColumnRef.optional(),
    note: z.string().trim().max(500).optional(),
    region: Region.optional(),
  })
  .strict();

export interface ColumnRefView {
  /** 0-based column index. */
  column: number;
  header: string;
}
export interface VariableColumn extends ColumnRefView {
  /** snake_case name the voicebot uses: {{loan_id}}. */
  key: string;
}
export interface ResolvedMapping {
  phone: ColumnRefView;
  name: ColumnRefView | null;
  variables: VariableColumn[];
  ignored: ColumnRefView[];
}

export type FileFormat = 'csv' | 'xlsx' | 'xls' | 'ods';

export interface SourceDetails {
  format: FileFormat;
  encoding?: string;
  delimiter?: string;
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
  /** Data rows: rows = valid + invalid + duplicates. */
  rows: number;
  valid: number;
  invalid: number;
  duplicates: number;
  dnc: number;
  inOtherLists: number;
  blankRows: number;
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

export type ImportOutcome =
  { ok: true; summary: ImportSummary } | { ok: false; code: string; message: string };

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
  /** Why the row is not valid (invalid and duplicate rows only). */
  reason: string | null;
  /** How a valid row was read, when that needs saying (e.g. cells beyond the header kept as variables). */
  note: string | null;
  duplicateOfRow: number | null;
  otherListId: number | null;
  dnc: boolean;
}

export interface ContactsPage {
  contacts: ContactView[];
  nextAfterRow: number | null;
}

export interface DncEntry {
  phone: string;
  note: string;
  source: string;
  addedAt: string;
  addedBy: string;
}

export interface DncChange {
  added: string[];
  already: string[];
  invalid: { input: string; reason: string }[];
}

export interface RejectCsv {
  fileName: string;
  rows: number;
  /** The CSV (the original columns, then the reason and the source row), downloaded from its URL. */
  artifact: ArtifactRef;
}
