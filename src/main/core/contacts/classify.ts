import { normalisePhoneCell, type PhoneRegion } from './phone';
import type { ResolvedMapping } from './types';

/** A cell longer than this is not contact data (a pasted document, a broken export). */
export const MAX_CELL_CHARS = 10_000;

export interface ClassifiedRow {
  ok: boolean;
  phoneRaw: string;
  e164: string | null;
  name: string;
  /** The per-contact variables as JSON object text, as stored. */
  variables: string;
  reason: string | null;
  /** What the row had beyond the header, when it had anything: said, never dropped or split silently. */
  note: string | null;
}

const clip = (s: string): string => (s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS)}…[cut]` : s);

/**
 * Reads data rows with one mapping: phone → E.164 or a reason; the rest → name and variables.
 * Built once per import: the variables' JSON keys are encoded once, not once per row.
 */
export function rowClassifier(
  mapping: ResolvedMapping,
  headerCount: number,
  region: PhoneRegion,
): (cells: readonly string[], numbers?: Readonly<Record<number, number>>) => ClassifiedRow {
  const phoneColumn = mapping.phone.column;
  const nameColumn = mapping.name?.column;
  const columns = mapping.variables.map((v) => v.column);
  // Keys are unique and never start with a digit (variableKey), so this text is exactly what
  // JSON.stringify gives for the same object, in the same key order.
  const prefixes = mapping.variables.map((v, i) => `${i === 0 ? '' : ','}${JSON.stringify(v.key)}:`);

  const variablesOf = (cells: readonly string[]): string => {
    if (cells.length > headerCount) return extraVariables(cells, mapping, headerCount);
    let json = '{';
    for (let i = 0; i < columns.length; i++)
      json += prefixes[i]! + JSON.stringify(clip(cells[columns[i]!] ?? ''));
    return json + '}';
  };

  return (cells, numbers) => {
    const phoneRaw = cells[phoneColumn] ?? '';
    const name = nameColumn !== undefined ? (cells[nameColumn] ?? '').trim() : '';
    const variables = variablesOf(cells);
    const note = cells.length > headerCount ? extraCellsNote(cells, headerCount) : null;
    let tooLong = -1;
    for (let i = 0; i < cells.length && tooLong < 0; i++) if (cells[i]!.length > MAX_CELL_CHARS) tooLong = i;
    if (tooLong >= 0)
      return {
        ok: false,
        phoneRaw: clip(phoneRaw),
        e164: null,
        name: clip(name),
        variables,
        reason: `cell in column ${tooLong + 1} is longer than ${MAX_CELL_CHARS.toLocaleString('en-US')} characters`,
        note,
      };
    const phone = normalisePhoneCell(phoneRaw, numbers?.[phoneColumn], region);
    return phone.ok
      ? { ok: true, phoneRaw, e164: phone.e164, name, variables, reason: null, note }
      : { ok: false, phoneRaw, e164: null, name, variables, reason: phone.reason, note };
  };
}

const NOTE_KEYS = 5;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Names the non-empty cells beyond the header (kept as column_N variables by extraVariables), e.g.
 * from an unquoted comma in a CSV value. Empty trailing cells are not data and need no note.
 */
function extraCellsNote(cells: readonly string[], headerCount: number): string | null {
  const keys: string[] = [];
  for (let i = headerCount; i < cells.length; i++) if ((cells[i] ?? '') !== '') keys.push(`column_${i + 1}`);
  if (keys.length === 0) return null;
  const shown = keys.slice(0, NOTE_KEYS).join(', ') + (keys.length > NOTE_KEYS ? ', …' : '');
  return `${plural(keys.length, 'cell')} beyond the header's ${plural(headerCount, 'column')}: kept as ${shown}`;
}

/** A row wider than its header: cells beyond the header's width are kept too, never dropped silently. */
function extraVariables(cells: readonly string[], mapping: ResolvedMapping, headerCount: number): string {
  const variables: Record<string, string> = {};
  for (const v of mapping.variables) variables[v.key] = clip(cells[v.column] ?? '');
  for (let i = headerCount; i < cells.length; i++)
    if ((cells[i] ?? '') !== '') variables[`column_${i + 1}`] = clip(cells[i]!);
  return JSON.stringify(variables);
}

/** The original cells of a rejected row, for the reject file. */
export const rawCells = (cells: readonly string[]): string => JSON.stringify(cells.map(clip));
