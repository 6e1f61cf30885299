import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RejectCsv } from '../../../../shared/contacts';
import type { Artifacts } from '../../artifacts';
import { mkdirPrivate } from '../../config';
import type { ContactsService } from '../../contacts';

/** Where reject files are written, under the data folder. */
export const REJECTS_DIR = path.join('exports', 'rejects');

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes a list's reject file under the data folder and registers it as an artifact owned by the
 * list; the list's previous reject file is removed, so asking again never piles files up.
 */
export async function rejectFileArtifact(
  contacts: ContactsService,
  artifacts: Artifacts,
  listId: number,
): Promise<RejectCsv> {
  const list = contacts.list(listId);
  const dir = path.join(artifacts.dataDir, REJECTS_DIR);
  mkdirPrivate(dir);
  const file = path.join(dir, `list-${list.id}-${randomUUID()}.csv`);
  const owner = `list:${list.id}`;
  try {
    const { rows } = await contacts.writeRejectFile(listId, file);
    const base = list.name.replace(/[^\w.-]+/g, '_').slice(0, 80) || `list-${list.id}`;
    const fileName = `${base}-rejects.csv`;
    const previous = artifacts.byOwner(owner).filter((a) => a.kind === 'reject_file');
    const artifact = artifacts.register({
      kind: 'reject_file',
      path: file,
      name: fileName,
      mime: 'text/csv; charset=utf-8',
      owner,
      sha256: await sha256Of(file),
    });
    for (const old of previous) await artifacts.remove(old.id);
    return { fileName, rows, artifact };
  } catch (err) {
    await fs.promises.rm(file, { force: true });
    throw err;
  }
}

/** Deletes every file produced for a list (its reject files), rows and files. */
export async function removeListFiles(artifacts: Artifacts, listId: number): Promise<void> {
  for (const a of artifacts.byOwner(`list:${listId}`)) await artifacts.remove(a.id);
}
