import { ImportError } from './errors';
import { guessColumns, variableKey } from './header';
import type { PhoneRegion } from './phone';
import type { ColumnRef, MappingOverride, ResolvedMapping } from './types';

/** Finds a column by header text (case-insensitive) or "#N" (1-based). */
function findColumn(headers: readonly string[], ref: string): number {
  const byNumber = /^#(\d+)$/.exec(ref);
  if (byNumber) {
    const n = Number(byNumber[1]) - 1;
    if (n >= 0 && n < headers.length) return n;
  } else {
    const wanted = ref.trim().toLowerCase();
    const i = headers.findIndex((h) => h.trim().toLowerCase() === wanted);
    if (i >= 0) return i;
  }
  throw new ImportError(
    'bad_mapping',
    `No column "${ref}" in the file. Its columns are: ${headers.map((h) => `"${h}"`).join(', ')}.`,
  );
}

/** The variable names the user chose, by column; each must name a kept column, once. */
function chosenNames(
  headers: readonly string[],
  chosen: Readonly<Record<string, string>>,
  roles: { phone: number; name: number | null; ignored: ReadonlySet<number> },
): Map<number, string> {
  const out = new Map<number, string>();
  const byName = new Map<string, string>();
  for (const [columnRef, key] of Object.entries(chosen)) {
    const column = findColumn(headers, columnRef);
    const header = headers[column] || `#${column + 1}`;
    if (column === roles.phone || column === roles.name || roles.ignored.has(column))
      throw new ImportError(
        'bad_mapping',
        `Column "${header}" is ${column === roles.phone ? 'the phone column' : column === roles.name ? 'the name column' : 'left out'}: it cannot also be the variable {{${key}}}.`,
      );
    const other = byName.get(key);
    if (other !== undefined && other !== header)
      throw new ImportError(
        'bad_mapping',
        `Two columns, "${other}" and "${header}", cannot both be {{${key}}}.`,
      );
    byName.set(key, header);
    out.set(column, key);
  }
  return out;
}

/**
 * The mapping used for an import: the user's choices where given, guesses elsewhere, and every
 * other column kept as a variable. Returns null when no phone column can be found or guessed.
 */
export function resolveMapping(
  headers: readonly string[],
  sample: readonly (readonly string[])[],
  region: PhoneRegion,
  override: MappingOverride = {},
): ResolvedMapping | null {
  const guess = guessColumns(headers, sample, region);
  const phone = override.phone !== undefined ? findColumn(headers, override.phone) : guess.phone;
  if (phone === null) return null;
  let name =
    override.name !== undefined
      ? override.name === null
        ? null
        : findColumn(headers, override.name)
      : guess.name;
  if (name === phone) name = null;
  const ignored = new Set((override.ignore ?? []).map((r) => findColumn(headers, r)));
  const ref = (column: number): ColumnRef => ({ column, header: headers[column] ?? '' });
  const named = chosenNames(headers, override.variables ?? {}, { phone, name, ignored });
  // Chosen names first, so a header's own name steps aside (loan_id_2) rather than the choice.
  const taken = new Set<string>(named.values());
  const variables = headers.flatMap((h, column) =>
    column === phone || column === name || ignored.has(column)
      ? []
      : [{ ...ref(column), key: named.get(column) ?? variableKey(h, column, taken) }],
  );
  return {
    phone: ref(phone),
    name: name === null ? null : ref(name),
    variables,
    ignored: [...ignored].sort((a, b) => a - b).map(ref),
  };
}
