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
  const taken = new Set<string>();
  const variables = headers.flatMap((h, column) =>
    column === phone || column === name || ignored.has(column)
      ? []
      : [{ ...ref(column), key: variableKey(h, column, taken) }],
  );
  return {
    phone: ref(phone),
    name: name === null ? null : ref(name),
    variables,
    ignored: [...ignored].sort((a, b) => a - b).map(ref),
  };
}
