import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { restoreBackup, RestoreError } from '../../../src/main/core';
import Database from 'better-sqlite3';
import { openFolderCore } from '../../helpers/core';
import { fileRestoreSecrets } from '../../../src/main/server/file-restore-secrets';
import { backupTo, openDataFolder } from './backup-rig';
import { makeTempDir } from '../../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Where a zip64 entry's uncompressed size sits in its central directory record (yazl's layout). */
function centralZip64UncompressedOffset(zip: Buffer, name: string): number {
  const at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  if (at < 0) throw new Error('no central directory');
  const nameLength = zip.readUInt16LE(at + 28);
  if (zip.toString('utf8', at + 46, at + 46 + nameLength) !== name) throw new Error('not the first entry');
  const end = at + 46 + nameLength + zip.readUInt16LE(at + 30);
  for (let field = at + 46 + nameLength; field + 4 <= end; field += 4 + zip.readUInt16LE(field + 2))
    if (zip.readUInt16LE(field) === 0x0001) return field + 4; // the uncompressed size comes first
  throw new Error('no zip64 extra field');
}

/**
 * A small archive whose one data entry declares `declared` bytes once unpacked (a zip bomb's
 * promise: the central directory says so, the deflated data is a few bytes).
 */
async function archiveDeclaring(file: string, declared: bigint): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.alloc(4096), 'data/calldeck.sqlite', { compress: true, forceZip64Format: true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as Readable) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  buf.writeBigUInt64LE(declared, centralZip64UncompressedOffset(buf, 'data/calldeck.sqlite'));
  fs.writeFileSync(file, buf);
}

/** An archive of `entries`, each name then rewritten byte for byte (yazl refuses to write hostile names). */
async function archiveOf(
  file: string,
  entries: { name: string; as: string; mode?: number }[],
): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from('/etc/passwd'), e.name, { mode: e.mode });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as Readable) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  for (const e of entries) {
    if (e.as.length !== e.name.length) throw new Error('a rewritten name keeps its length');
    for (let at = buf.indexOf(e.name); at >= 0; at = buf.indexOf(e.name, at + 1)) buf.write(e.as, at);
  }
  fs.writeFileSync(file, buf);
}

const refuse = {
  auditKey: () => undefined,
  installSecrets: () => {
    throw new Error('not reached');
  },
};

describe('restore of a hostile archive', () => {
  it('an archive whose entries unpack to more than the disk has free is refused before anything is written (a zip bomb cannot fill the disk)', async () => {
    const { dir: root, cleanup } = makeTempDir('calldeck-restore-hostile-');
    cleanups.push(cleanup);
    const archive = path.join(root, 'bomb.zip');
    const free = fs.statfsSync(root);
    const declared = BigInt(free.bavail) * BigInt(free.bsize) + 1024n ** 3n;
    await archiveDeclaring(archive, declared);
    const target = path.join(root, 'copy');
    await expect(restoreBackup({ file: archive, target, ...refuse })).rejects.toMatchObject({
      code: 'no_space',
      message: expect.stringMatching(
        /^data\/calldeck\.sqlite would take [\d.]+ GB once unpacked, more than the [\d.]+ GB free on the disk of /,
      ) as unknown,
    });
    expect(fs.readdirSync(root).sort()).toEqual(['bomb.zip']);
  });

  it('a manifest far larger than its archive can list is refused before it is read into memory', async () => {
    const { dir: root, cleanup } = makeTempDir('calldeck-restore-hostile-');
    cleanups.push(cleanup);
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('x'), 'data/calldeck.sqlite');
    // 64 MB of JSON that deflates to a few KB: read whole, parsed, it held ~hundreds of MB of memory.
    zip.addBuffer(Buffer.from(`{"pad":"${'x'.repeat(64 * 1024 * 1024)}"}`), 'manifest.json');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream as Readable) chunks.push(c as Buffer);
    const archive = path.join(root, 'fat-manifest.zip');
    fs.writeFileSync(archive, Buffer.concat(chunks));
    await expect(
      restoreBackup({ file: archive, target: path.join(root, 'copy'), ...refuse }),
    ).rejects.toMatchObject({
      code: 'manifest',
      message: expect.stringMatching(
        /^the manifest is too large \([\d,]+ bytes\) for an archive of 2 entries: it is not a CallDeck backup's$/,
      ) as unknown,
    });
    expect(fs.readdirSync(root)).toEqual(['fat-manifest.zip']);
  });

  it('zip-slip, absolute and backslash names, entries outside data/ and a symlink entry are refused; nothing is written outside the staging folder, nothing kept', async () => {
    const { dir: root, cleanup } = makeTempDir('calldeck-restore-hostile-');
    cleanups.push(cleanup);
    const hostile = [
      { name: 'data/xx/escaped.txt', as: 'data/../escaped.txt' },
      { name: 'xxxxxxxx/escaped.txt', as: '../../../escaped.txt' },
      { name: 'xtmp/escaped.txt', as: '/tmp/escaped.txt' },
      { name: 'data/xxescaped.txt', as: 'data/.\\escaped.txt' },
      { name: 'other/escaped.txt', as: 'other/escaped.txt' },
      { name: 'data/C:escaped.txt', as: 'data/C:escaped.txt' },
      { name: 'data/link', as: 'data/link', mode: 0o120777 },
    ];
    const target = path.join(root, 'nest', 'copy');
    for (const [i, e] of hostile.entries()) {
      const archive = path.join(root, `hostile-${i}.zip`);
      await archiveOf(archive, [e]);
      const err = await restoreBackup({ file: archive, target, ...refuse }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(err, e.as).toBeInstanceOf(RestoreError);
      expect((err as RestoreError).code, e.as).toMatch(/^(unreadable|files|manifest)$/);
    }
    expect(fs.existsSync(path.join(root, 'escaped.txt'))).toBe(false);
    expect(fs.existsSync('/tmp/escaped.txt')).toBe(false);
    // Only the archives; the target's parent was made, holds nothing (no staging folder left).
    expect(fs.readdirSync(root).filter((n) => !n.endsWith('.zip'))).toEqual(['nest']);
    expect(fs.readdirSync(path.join(root, 'nest'))).toEqual([]);
  });

  it('a data folder (a restored copy) whose jobs table says an export with a path for its id was running: opening it removes nothing outside the folder', async () => {
    const { dir: root, cleanup } = makeTempDir('calldeck-restore-hostile-');
    cleanups.push(cleanup);
    const dataDir = path.join(root, 'copy');
    fs.mkdirSync(dataDir);
    await (await openFolderCore(dataDir)).stop();
    // What the export job's restart rule removes: <id>.part and the <id>.files folder.
    fs.mkdirSync(path.join(root, 'victim.files'));
    fs.writeFileSync(path.join(root, 'victim.files', 'thesis.docx'), 'years of work');
    fs.writeFileSync(path.join(root, 'victim.part'), 'also mine');
    const jobId = '../../victim';
    const input = {
      jobId,
      scope: { kind: 'campaign', campaignId: 'c1' },
      format: 'csv',
      audit: { startSeq: 1, actor: 'x', action: 'reports.export', subject: 'x' },
    };
    const db = new Database(path.join(dataDir, 'calldeck.sqlite'));
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO jobs (id, kind, title, actor, owner, state, input, progress, started_at, updated_at)
       VALUES ('j1', 'reports.export', 'Export', 'x', '999999999:dead', 'running', ?, '{}', ?, ?)`,
    ).run(JSON.stringify(input), now, now);
    db.close();
    await (await openFolderCore(dataDir)).stop();
    expect(fs.readFileSync(path.join(root, 'victim.files', 'thesis.docx'), 'utf8')).toBe('years of work');
    expect(fs.readFileSync(path.join(root, 'victim.part'), 'utf8')).toBe('also mine');
  });

  it('a target that fills (a file, or a link put in its place) while the archive is unpacked is left as it is: refused, nothing overwritten, no staging folder left', async () => {
    const folder = await openDataFolder();
    cleanups.push(() => void folder.cleanup());
    const { root, core } = folder;
    const archive = path.join(root, 'backup.zip');
    await backupTo(core, archive);
    const auditKey = (dir: string) => fileRestoreSecrets.store(dir).get('audit.key');
    const o = { file: archive, auditKey, installSecrets: () => undefined };

    const target = path.join(root, 'copy');
    const filled = restoreBackup({
      ...o,
      target,
      onProgress: (done) => {
        if (done === 1) {
          fs.mkdirSync(target);
          fs.writeFileSync(path.join(target, 'notes.txt'), 'mine');
        }
      },
    });
    await expect(filled).rejects.toMatchObject({ code: 'not_empty' });
    expect(fs.readdirSync(target)).toEqual(['notes.txt']);
    expect(fs.readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');

    const elsewhere = path.join(root, 'elsewhere');
    fs.mkdirSync(elsewhere);
    const linked = path.join(root, 'linked');
    const raced = restoreBackup({
      ...o,
      target: linked,
      onProgress: (done) => {
        if (done === 1) fs.symlinkSync(elsewhere, linked);
      },
    });
    await expect(raced).rejects.toMatchObject({
      code: 'unwritable',
      message: `${linked} is a link to ${elsewhere}: type the folder itself`,
    });
    expect(fs.lstatSync(linked).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(fs.readdirSync(root).filter((n) => n.includes('.restore-'))).toEqual([]);
  });

  it("a folder on the target's way swapped for a link into this install's data folder while the archive is unpacked: refused at the last check, nothing restored inside it", async () => {
    const folder = await openDataFolder();
    cleanups.push(() => void folder.cleanup());
    const { root, dataDir, core } = folder;
    const archive = path.join(root, 'backup.zip');
    await backupTo(core, archive);
    const auditKey = (dir: string) => fileRestoreSecrets.store(dir).get('audit.key');
    const parent = path.join(root, 'restores');
    const target = path.join(parent, 'copy');
    const raced = restoreBackup({
      file: archive,
      target,
      auditKey,
      installSecrets: () => undefined,
      outside: dataDir,
      onProgress: (done, total) => {
        if (done !== total) return;
        // The parent becomes a link into the data folder, the staging folder moved along with it.
        fs.renameSync(parent, `${parent}.old`);
        fs.symlinkSync(dataDir, parent);
        for (const n of fs.readdirSync(`${parent}.old`))
          fs.renameSync(path.join(`${parent}.old`, n), path.join(dataDir, n));
      },
    });
    await expect(raced).rejects.toMatchObject({
      code: 'unwritable',
      message: `${target} is inside this install's data folder: restore into a folder outside it`,
    });
    expect(fs.existsSync(path.join(dataDir, 'copy'))).toBe(false);
    expect(fs.readdirSync(dataDir).filter((n) => n.includes('.restore-'))).toEqual([]);
  });
});
