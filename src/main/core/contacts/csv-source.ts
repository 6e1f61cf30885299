import { parse, CsvError } from 'csv-parse';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import { ImportError } from './errors';
import { looksBinary, sniffDelimiter } from './sniff';
import { BATCH_ROWS, type SourceRow, type TabularSource } from './source';
import { createDecoder, decodeSample, detectEncoding, Utf8OrCp1252Decoder } from './text-decode';

/** A record longer than this is not a contact: an unclosed quote or a file that is not CSV. */
const MAX_RECORD_CHARS = 1_000_000;

function translate(err: unknown): Error {
  if (err instanceof ImportError) return err;
  if (err instanceof CsvError) {
    const line = (err as CsvError & { lines?: number }).lines;
    const at = line ? ` (near line ${line})` : '';
    if (err.code === 'CSV_QUOTE_NOT_CLOSED')
      return new ImportError(
        'malformed_csv',
        `A quote is opened and never closed${at}: the file is not valid CSV.`,
      );
    if (err.code === 'CSV_MAX_RECORD_SIZE')
      return new ImportError(
        'malformed_csv',
        `A row is longer than 1,000,000 characters${at}: a quote is never closed, or this is not a CSV file.`,
      );
    return new ImportError('malformed_csv', `The file is not valid CSV${at}: ${err.message}`);
  }
  return new ImportError(
    'unreadable',
    `Could not read the file: ${err instanceof Error ? err.message : String(err)}`,
  );
}

/** Opens a delimited text file: encoding from BOM/bytes, delimiter sniffed, rows streamed. */
export function openCsv(file: string, size: number, head: Buffer): TabularSource {
  const detected = detectEncoding(head);
  const sample = decodeSample(head, detected);
  if (looksBinary(sample))
    throw new ImportError(
      'not_text',
      'This file is not text: it holds binary data, so it is not a CSV. If it is a spreadsheet, keep its .xlsx or .xls name.',
    );
  if (size <= head.length && sample.trim() === '')
    throw new ImportError('empty_file', 'The file is empty: it holds only blank space.');
  const delimiter = sniffDelimiter(sample);
  const hash = createHash('sha256');
  let digest = '';
  let bytes = 0;
  let fallbackBytes = 0;

  return {
    details: { format: 'csv', encoding: detected.encoding, delimiter },
    totalBytes: size,
    bytesRead: () => bytes,
    sha256: () => digest,
    // The stream only opens inside batches(), whose own cleanup closes it.
    close: () => Promise.resolve(),
    warnings: () =>
      fallbackBytes > 0
        ? [
            `${fallbackBytes} byte(s) were not valid UTF-8 and were read as Windows-1252 ` +
              '(the file was saved in an older Excel encoding, or mixes encodings).',
          ]
        : [],
    async *batches(): AsyncGenerator<SourceRow[]> {
      const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
      input.on('data', (chunk: Buffer | string) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      const decoder = createDecoder(detected);
      const parser = parse({
        delimiter,
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: false,
        max_record_size: MAX_RECORD_CHARS,
      });
      let failure: unknown;
      pipeline(input, decoder, parser, (err) => {
        if (err) failure = err;
      });
      let row = 0;
      let batch: SourceRow[] = [];
      try {
        for await (const record of parser as AsyncIterable<string[]>) {
          row += 1;
          batch.push({ row, cells: record });
          if (batch.length >= BATCH_ROWS) {
            yield batch;
            batch = [];
          }
        }
      } catch (err) {
        throw translate(err);
      } finally {
        input.destroy();
        parser.destroy();
        if (decoder instanceof Utf8OrCp1252Decoder) fallbackBytes = decoder.fallbackBytes;
      }
      if (failure) throw translate(failure);
      if (batch.length > 0) yield batch;
      digest = hash.digest('hex');
    },
  };
}
