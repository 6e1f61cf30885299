import type { SourceDetails } from './types';

/** One row of a file: its 1-based row number as a spreadsheet shows it, and its cells as text. */
export interface SourceRow {
  row: number;
  cells: string[];
  /**
   * Spreadsheets only, and only when there are any: cells whose value is a number that is not a
   * whole, non-negative one, by column. Their text may hide that (a rounding or sign-dropping format).
   */
  numbers?: Record<number, number>;
}

/** A file being read as rows, in batches, whatever its format. */
export interface TabularSource {
  readonly details: SourceDetails;
  readonly totalBytes: number;
  bytesRead(): number;
  /** Rows in batches; stopping early (break, return) releases the file. */
  batches(): AsyncGenerator<SourceRow[]>;
  /** Releases what opening took (a spreadsheet's worker), whether or not batches() ran. */
  close(): Promise<void>;
  /** SHA-256 of the file's bytes; complete once batches() has run to the end. */
  sha256(): string;
  warnings(): string[];
}

export const BATCH_ROWS = 2000;
/** The widest header CallDeck accepts; wider files are almost always junk or a wrong sheet. */
export const MAX_COLUMNS = 1000;
