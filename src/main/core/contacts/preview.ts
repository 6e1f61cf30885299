import { layoutOf, readHead, sampleAfter } from './layout';
import { resolveMapping } from './mapping';
import { openSource } from './open-source';
import { SourceOptionsSchema, type ImportPreview, type SourceOptions } from './types';

/** Reads only the head of a file: what the mapping step shows before an import. */
export async function previewFile(input: SourceOptions): Promise<ImportPreview> {
  const req = SourceOptionsSchema.parse(input);
  const region = req.region;
  const source = await openSource(req.file, req.sheet);
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
