import { normalisePhone, type PhoneRegion } from './phone';
import type { ResolvedMapping } from './types';

/** A cell longer than this is not contact data (a pasted document, a broken export). */
export const MAX_CELL_CHARS = 10_000;

export interface ClassifiedRow {
  ok: boolean;
  phoneRaw: string;
  e164: string | null;
  name: string;
  variables: Record<string, string>;
  reason: string | null;
}

const clip = (s: string): string => (s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS)}…[cut]` : s);

/** Reads one data row with the mapping: phone → E.164 or a reason; the rest → name and variables. */
export function classifyRow(
  cells: readonly string[],
  mapping: ResolvedMapping,
  headerCount: number,
  region: PhoneRegion,
): ClassifiedRow {
  const phoneRaw = cells[mapping.phone.column] ?? '';
  const name = mapping.name ? (cells[mapping.name.column] ?? '').trim() : '';
  const variables: Record<string, string> = {};
  for (const v of mapping.variables) variables[v.key] = clip(cells[v.column] ?? '');
  // Cells beyond the header's width are kept too, never dropped silently.
  for (let i = headerCount; i < cells.length; i++)
    if ((cells[i] ?? '') !== '') variables[`column_${i + 1}`] = clip(cells[i]!);
  const tooLong = cells.findIndex((c) => c.length > MAX_CELL_CHARS);
  if (tooLong >= 0)
    return {
      ok: false,
      phoneRaw: clip(phoneRaw),
      e164: null,
      name: clip(name),
      variables,
      reason: `cell in column ${tooLong + 1} is longer than ${MAX_CELL_CHARS.toLocaleString('en-US')} characters`,
    };
  const phone = normalisePhone(phoneRaw, region);
  return phone.ok
    ? { ok: true, phoneRaw, e164: phone.e164, name, variables, reason: null }
    : { ok: false, phoneRaw, e164: null, name, variables, reason: phone.reason };
}

/** The original cells of a rejected row, for the reject file. */
export const rawCells = (cells: readonly string[]): string => JSON.stringify(cells.map(clip));
