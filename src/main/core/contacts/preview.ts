import { layoutOf, readHead, sampleAfter } from './layout';
import { resolveMapping } from './mapping';
import { openSource } from './open-source';
import { SourceOptionsSchema, type ImportPreview, type SourceOptions } from './types';

type ParsedOptions = ReturnType<typeof SourceOptionsSchema.parse>;

/** Sheets looked at for phone numbers when the first has none (each is a parse of the workbook). */
const MAX_SHEETS_TRIED = 5;

/**
 * Reads only the head of a file: what the mapping step shows before an import. A workbook opened
 * without a sheet named whose first sheet has no phone numbers (a cover or instructions sheet) is
 * shown at the first sheet that has them, saying so; its `source.sheet` names the sheet shown.
 */
export async function previewFile(input: SourceOptions): Promise<ImportPreview> {
  const req = SourceOptionsSchema.parse(input);
  const first = await previewSheet(req, req.sheet);
  const sheets = first.source.sheets ?? [];
  if (req.sheet !== undefined || first.mapping !== null || sheets.length < 2) return first;
  for (const sheet of sheets.filter((s) => s !== first.source.sheet).slice(0, MAX_SHEETS_TRIED)) {
    const other = await previewSheet(req, sheet);
    if (other.mapping === null) continue;
    return {
      ...other,
      warnings: [
        `Sheet “${first.source.sheet ?? sheets[0]}” has no column of phone numbers: showing “${sheet}”, the first sheet that has one.`,
        ...other.warnings,
      ],
    };
  }
  return first;
}

async function previewSheet(req: ParsedOptions, sheet: string | undefined): Promise<ImportPreview> {
  const region = req.region;
  const source = await openSource(req.file, sheet);
  const batches = source.batches();
  try {
    const { head } = await readHead(batches);
    const layout = layoutOf(head, region, req.headerRow);
    const sample = sampleAfter(head, layout);
    const mapping = resolveMapping(
      layout.headers,
      sample.map((r) => r.cells),
      region,
    );
    return {
      source: source.details,
      headerRow: layout.headerRow,
      headers: layout.headers,
      sample: sample.map((r) => ({ row: r.row, cells: r.cells })),
      mapping,
      warnings: [
        ...source.warnings(),
        ...(mapping ? [] : ['No column looks like phone numbers: choose the phone column.']),
      ],
    };
  } finally {
    await batches.return(undefined);
    await source.close();
  }
}
