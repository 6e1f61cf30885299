import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

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
 * the report expects them: unzipped, the report plays its recordings. Recordings are stored (WAV
 * gains little from deflate); the report is deflated.
 */
export async function zipReportWithFiles(
  report: { file: string; name: string },
  filesDir: string,
  outZip: string,
): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addFile(report.file, report.name);
  const folder = path.basename(filesDir);
  for (const rel of filesUnder(filesDir))
    zip.addFile(path.join(filesDir, ...rel.split('/')), `${folder}/${rel}`, { compress: false });
  zip.end();
  await pipeline(zip.outputStream as Readable, fs.createWriteStream(outZip));
}
