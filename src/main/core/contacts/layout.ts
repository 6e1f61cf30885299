import { ImportError } from './errors';
import { detectHeaderRow } from './header';
import type { PhoneRegion } from './phone';
import { MAX_COLUMNS, type SourceRow } from './source';

/** Where the data starts in a file: its header row (0 = none) and the column names. */
export interface Layout {
  headerRow: number;
  headers: string[];
}

const SAMPLE_ROWS = 20;

export const isBlankRow = (cells: readonly string[]): boolean => cells.every((c) => c.trim() === '');

/** Reads batches until there are enough rows to find the header and guess the columns. */
export async function readHead(
  batches: AsyncGenerator<SourceRow[]>,
): Promise<{ head: SourceRow[]; exhausted: boolean }> {
  const head: SourceRow[] = [];
  let nonBlank = 0;
  for (;;) {
    const next = await batches.next();
    if (next.done) return { head, exhausted: true };
    head.push(...next.value);
    nonBlank += next.value.filter((r) => !isBlankRow(r.cells)).length;
    if (nonBlank >= SAMPLE_ROWS + 25) return { head, exhausted: false };
  }
}

/** Finds the header (or uses the one the user named) and names every column. */
export function layoutOf(head: readonly SourceRow[], region: PhoneRegion, headerRow?: number): Layout {
  if (head.every((r) => isBlankRow(r.cells)))
    throw new ImportError('empty_file', 'The file has no data: every row is blank.');
  let headerIndex: number | null;
  if (headerRow === undefined)
    headerIndex = detectHeaderRow(
      head.map((r) => r.cells),
      region,
    );
  else if (headerRow === 0) headerIndex = null;
  else {
    headerIndex = head.findIndex((r) => r.row === headerRow);
    if (headerIndex < 0)
      throw new ImportError('bad_request', `Row ${headerRow} is not among the first rows of the file.`);
  }
  if (headerIndex === null) {
    const width = Math.max(...head.map((r) => r.cells.length));
    if (width > MAX_COLUMNS) throw tooWide(width);
    return { headerRow: 0, headers: Array.from({ length: width }, (_, i) => `Column ${i + 1}`) };
  }
  const header = head[headerIndex]!;
  const cells = [...header.cells];
  while (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  if (cells.length > MAX_COLUMNS) throw tooWide(cells.length);
  return { headerRow: header.row, headers: cells.map((c, i) => c.trim() || `Column ${i + 1}`) };
}

const tooWide = (n: number) =>
  new ImportError(
    'too_many_columns',
    `The file has ${n.toLocaleString('en-US')} columns; CallDeck reads at most ${MAX_COLUMNS.toLocaleString('en-US')}. ` +
      'Delete the columns you do not need (or pick the right sheet) and import again.',
  );

/** The first data rows after the header, for guessing columns and for previews. */
export const sampleAfter = (head: readonly SourceRow[], layout: Layout): SourceRow[] =>
  head.filter((r) => r.row > layout.headerRow && !isBlankRow(r.cells)).slice(0, SAMPLE_ROWS);
