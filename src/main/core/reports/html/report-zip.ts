import fs from 'node:fs';
import path from 'node:path';
import { HashedZip } from '../hashed-zip';

/** Every file under `dir`, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * One zip of a report and the folder of recordings it links to (`<folder>/<file>`), laid out as
 * the report expects them: unzipped, the report plays its recordings (WAVs stored, the report
 * deflated, as HashedZip does).
 */
export async function zipReportWithFiles(
  report: { file: string; name: string },
  filesDir: string,
  outZip: string,
): Promise<void> {
  const zip = new HashedZip(outZip);
  zip.addFile(report.name, report.file);
  const folder = path.basename(filesDir);
  for (const rel of filesUnder(filesDir))
    zip.addFile(`${folder}/${rel}`, path.join(filesDir, ...rel.split('/')));
  await zip.hashes();
  await zip.end();
}
