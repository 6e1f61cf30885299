import { isSupportedCountry } from 'libphonenumber-js/min';
import { z } from 'zod';
import {
  MappingOverrideSchema,
  type ContactsPageSchema,
  type ImportProgress,
} from '../../../shared/contacts';
import { PhoneRegionSchema } from '../../../shared/regions';

// Results and the mapping a person chooses are the Api's own types (src/shared/contacts.ts): one
// definition for the Api and the service.
export { ContactsPageSchema, MappingOverrideSchema, type MappingOverride } from '../../../shared/contacts';
export type {
  ColumnRefView as ColumnRef,
  ContactStatus,
  ContactView,
  DncEntry,
  FileFormat,
  ImportPreview,
  ImportProgress,
  ImportSummary,
  ListSummary,
  ResolvedMapping,
  RowReject,
  SourceDetails,
  VariableColumn,
} from '../../../shared/contacts';

/**
 * Request schemas of the contacts service. A region is the rule Settings and the Api edge use too
 * (a country libphonenumber-js knows: PHONE_REGIONS is tested equal to its list); the parser's own
 * check on top types it as its CountryCode.
 */
export const RegionSchema = PhoneRegionSchema.refine((r) => isSupportedCountry(r), 'Unknown country code');

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

export interface ImportControl {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export type ContactsPageRequest = z.input<typeof ContactsPageSchema>;

export const DncAddSchema = z
  .object({
    phones: z.array(z.string().max(100)).min(1).max(100_000),
    note: z.string().trim().max(500).default(''),
    region: RegionSchema.default('IN'),
  })
  .strict();
export type DncAddRequest = z.input<typeof DncAddSchema>;
