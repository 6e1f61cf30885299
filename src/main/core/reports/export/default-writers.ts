import { csvWriter } from './csv-writer';
import { ExportWriters } from './writers';
import { xlsxWriter } from './xlsx-writer';

/**
 * The formats this build writes. A new format registers here, one line, from its own folder
 * (html/, pdf/, bundle/): the job, the Api and `calldeck export` pick it up from the registry.
 */
export function exportWriters(): ExportWriters {
  return new ExportWriters().register('csv', csvWriter).register('xlsx', xlsxWriter);
}
