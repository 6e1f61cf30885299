import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { AuditVerifyResult } from '../../../shared/audit';
import { mkdirPrivate, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config';
import { openAuditForVerify } from '../reports';
import { sweepLeftovers } from '../files';
import { integrityProblems, openDatabaseReadOnly, relocateDataPaths } from '../store';
import { DATA_PREFIX, MANIFEST_ENTRY, ManifestFileSchema, parseManifest, type Manifest } from './manifest';
import { openSealedSecrets, SEALED_SECRETS_FILE, SealedSecretsError } from './sealed-secrets';

export type RestoreErrorCode =
  | 'not_empty'
  | 'unreadable'
  | 'manifest'
  | 'files'
  | 'integrity'
  | 'no_key'
  | 'passphrase'
  | 'audit'
  | 'unwritable'
  | 'no_space'
  | 'cancelled';

/** Why a backup was not restored; the target folder was left as it was (empty or absent). */
export class RestoreError extends Error {
  constructor(
    readonly code: RestoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RestoreError';
  }
}

export interface RestoreOptions {
  /** The archive written by `writeBackup`. */
  file: string;
  /** The data folder to create: absent or empty. */
  target: string;
  /**
   * The audit key as the host's secret store holds it in the restored files (the headless host
   * reads its `secrets.json`; undefined when it cannot be read here).
   */
  auditKey: (restoredDir: string, manifest: Manifest) => string | undefined;
  /** Opens a backup whose secrets are sealed (secrets.sealed.json): the passphrase given at backup. */
  passphrase?: string;
  /**
   * Writes opened sealed secrets into the restored folder as the restoring host keeps them (the
   * headless host: its 0600 secrets.json); the sealed file is removed afterwards.
   */
  installSecrets: (restoredDir: string, secrets: Record<string, string>) => void;
  nativeBinding?: string;
  /** Stops the restore between archive entries (nothing is kept: the target stays as it was). */
  signal?: AbortSignal;
  /** Entries unpacked of the archive's entries (the manifest among them). */
  onProgress?: (done: number, total: number) => void;
  /** A data folder the copy must not land in (the running install's), checked again at the end. */
  outside?: string;
}

export interface RestoreResult {
  manifest: Manifest;
  files: number;
  bytes: number;
  audit: AuditVerifyResult;
  /** Rows whose file paths were moved from the backed-up folder to this one (recordings, QA suites). */
  relocated: number;
}

const MANIFEST_MAX = 512 * 1024 * 1024;
/**
 * The most a manifest takes per archive entry it lists (a path of up to 1,024 characters, its size
 * and SHA-256), and for the rest: it is read into memory whole, so it is held to the archive.
 */
const MANIFEST_PER_ENTRY = 2048;
const MANIFEST_BASE = 64 * 1024;

function refuseNonEmpty(target: string): void {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory())
    throw new RestoreError('not_empty', `${target} is a file, not a folder: restore into an empty folder`);
  const entries = fs.readdirSync(target);
  if (entries.length > 0)
    throw new RestoreError(
      'not_empty',
      `${target} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): a backup is restored only into an empty or new folder, so nothing there is overwritten or mixed with it`,
    );
}

const inside = (dir: string, p: string) => p === dir || p.startsWith(dir + path.sep);

/** The real path of `p`, or of its nearest existing folder with the rest appended (links resolved). */
function realish(p: string): string {
  const rest: string[] = [];
  let at = p;
  while (!fs.existsSync(at) && path.dirname(at) !== at) {
    rest.unshift(path.basename(at));
    at = path.dirname(at);
  }
  return path.join(fs.realpathSync(at), ...rest);
}

/** Refuses a target inside `dataDir` however it is spelled (`..`, a trailing slash, a linked folder). */
export function refuseInside(target: string, dataDir: string): void {
  const dir = path.resolve(target);
  if (inside(realish(path.resolve(dataDir)), realish(dir)))
    throw new RestoreError(
      'unwritable',
      `${dir} is inside this install's data folder: restore into a folder outside it`,
    );
}

/** The copy is renamed into place over the path typed: over a link, not into where it points. */
function refuseLink(dir: string): void {
  if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink())
    throw new RestoreError(
      'unwritable',
      `${dir} is a link to ${fs.readlinkSync(dir)}: type the folder itself`,
    );
}

/**
 * Refuses a target that is not empty, or where this user cannot write (the folder, or the nearest
 * existing folder above it when it does not exist yet). Checked before anything is unpacked.
 */
export function checkRestoreTarget(target: string): void {
  const dir = path.resolve(target);
  let existing = dir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  // A file on the way (…/notes.txt/copy) cannot hold the folder.
  if (existing !== dir && !fs.statSync(existing).isDirectory())
    throw new RestoreError(
      'unwritable',
      `${existing} is a file, not a folder: the restored copy cannot be made under it`,
    );
  refuseLink(dir);
  refuseNonEmpty(dir);
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    throw new RestoreError(
      'unwritable',
      `${existing} cannot be written by this user: choose a folder where CallDeck may create the restored copy`,
    );
  }
}

const stagingPrefix = (target: string) => `.${path.basename(target)}.restore-`;

/**
 * Removes what a restore into `target` that died midway left beside it (its hidden staging folder,
 * named with its process id); a restore still running in another process keeps its own.
 */
export function sweepRestoreLeftovers(target: string): string[] {
  const dir = path.resolve(target);
  return sweepLeftovers({ dir: path.dirname(dir), prefix: stagingPrefix(dir), tail: /^[0-9a-f]{8}$/ });
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;

/**
 * Refuses an entry that would not fit on the disk now (its unpacked size is the archive's word,
 * held to by yauzl's validateEntrySizes): a crafted archive cannot fill the disk before the
 * manifest, which comes last, is read.
 */
function checkRoom(dir: string, name: string, size: number): void {
  const disk = fs.statfsSync(dir);
  const free = disk.bavail * disk.bsize;
  if (size > free)
    throw new RestoreError(
      'no_space',
      `${name.slice(0, 200)} would take ${gb(size)} once unpacked, more than the ${gb(free)} free on the disk of ${path.dirname(dir)}: nothing was restored`,
    );
}

/** Every entry written under `dir`, hashed while written. */
async function extract(
  file: string,
  dir: string,
  o: Pick<RestoreOptions, 'signal' | 'onProgress'>,
): Promise<{ files: Map<string, { size: number; sha256: string }>; manifest: Buffer }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, {
      lazyEntries: true,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (err) {
    throw new RestoreError('unreadable', `${file} is not a readable zip archive: ${(err as Error).message}`);
  }
  const files = new Map<string, { size: number; sha256: string }>();
  let manifest: Buffer | undefined;
  let done = 0;
  const step = () => o.onProgress?.(++done, zip.entryCount);
  try {
    for await (const entry of zip.eachEntry()) {
      if (o.signal?.aborted)
        throw new RestoreError('cancelled', 'The restore was cancelled: nothing was kept');
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      if (name === MANIFEST_ENTRY) {
        const most = Math.min(MANIFEST_MAX, MANIFEST_BASE + zip.entryCount * MANIFEST_PER_ENTRY);
        if (entry.uncompressedSize > most)
          throw new RestoreError(
            'manifest',
            `the manifest is too large (${entry.uncompressedSize.toLocaleString('en-IN')} bytes) for an archive of ${zip.entryCount.toLocaleString('en-IN')} entries: it is not a CallDeck backup's`,
          );
        const chunks: Buffer[] = [];
        await pipeline(
          await zip.openReadStreamPromise(entry),
          new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }),
        );
        manifest = Buffer.concat(chunks);
        step();
        continue;
      }
      const rel = name.startsWith(DATA_PREFIX) ? name.slice(DATA_PREFIX.length) : '';
      if (!ManifestFileSchema.shape.path.safeParse(rel).success || files.has(rel))
        throw new RestoreError(
          'files',
          `the archive holds an entry CallDeck does not write: ${name.slice(0, 200)}`,
        );
      checkRoom(dir, name, entry.uncompressedSize);
      const dest = path.join(dir, ...rel.split('/'));
      mkdirPrivate(path.dirname(dest));
      const hash = createHash('sha256');
      let size = 0;
      const source = await zip.openReadStreamPromise(entry);
      source.on('data', (c: Buffer) => {
        hash.update(c);
        size += c.length;
      });
      await pipeline(source, fs.createWriteStream(dest, { flags: 'wx', mode: PRIVATE_FILE_MODE }));
      files.set(rel, { size, sha256: hash.digest('hex') });
      step();
    }
  } catch (err) {
    if (err instanceof RestoreError) throw err;
    throw new RestoreError('unreadable', `the archive is damaged: ${(err as Error).message}`);
  } finally {
    zip.close();
  }
  if (!manifest)
    throw new RestoreError(
      'manifest',
      `the archive has no ${MANIFEST_ENTRY}: it is not a CallDeck backup, or it was cut short`,
    );
  return { files, manifest };
}

function checkFiles(manifest: Manifest, got: Map<string, { size: number; sha256: string }>): void {
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const there = got.get(f.path);
    if (!there)
      throw new RestoreError('files', `${f.path} is listed in the manifest but missing from the archive`);
    if (there.sha256 !== f.sha256 || there.size !== f.size)
      throw new RestoreError(
        'files',
        `${f.path} was changed: its SHA-256 is ${there.sha256}, the manifest says ${f.sha256}`,
      );
  }
  for (const rel of got.keys())
    if (!listed.has(rel)) throw new RestoreError('files', `${rel} is in the archive but not in its manifest`);
  if (!listed.has(manifest.database.path))
    throw new RestoreError('files', `the database ${manifest.database.path} is not in the archive`);
}

/** The sealed secrets of a backup made with a passphrase (undefined for other backups). */
function openSecrets(dir: string, manifest: Manifest, o: RestoreOptions): Record<string, string> | undefined {
  if (manifest.secretsFile !== SEALED_SECRETS_FILE) return undefined;
  if (o.passphrase === undefined)
    throw new RestoreError(
      'passphrase',
      'the backup’s secrets (the audit key among them) are sealed under the passphrase typed when it was made: give that passphrase to restore it',
    );
  try {
    return openSealedSecrets(fs.readFileSync(path.join(dir, SEALED_SECRETS_FILE)), o.passphrase);
  } catch (err) {
    if (err instanceof SealedSecretsError) throw new RestoreError('passphrase', err.message);
    throw err;
  }
}

function checkDatabase(
  dir: string,
  manifest: Manifest,
  o: RestoreOptions,
  sealed: Record<string, string> | undefined,
): AuditVerifyResult {
  const db = openDatabaseReadOnly(path.join(dir, manifest.database.path), o.nativeBinding);
  try {
    const problems = integrityProblems(db);
    if (problems.length > 0)
      throw new RestoreError(
        'integrity',
        `the database fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`,
      );
    const key = sealed ? sealed['audit.key'] : o.auditKey(dir, manifest);
    const result = openAuditForVerify(db, dir, key).verify();
    if (!result.keyChecked && result.rows > 0)
      throw new RestoreError(
        'no_key',
        manifest.secretsFile === null
          ? 'the backup holds no secret file, so its audit key is missing and the audit chain cannot be verified'
          : `the audit key in ${manifest.secretsFile} cannot be read here${manifest.secretsFile === 'secrets.keychain.json' ? ' (the desktop app encrypts it with the OS keychain of the computer and user that made the backup: restore it there, or make a new backup with a passphrase, which restores anywhere)' : ''}, so the audit chain cannot be verified`,
      );
    if (!result.ok)
      throw new RestoreError(
        'audit',
        `the audit chain does not verify: row ${result.brokenAt}: ${result.reason}`,
      );
    return result;
  } finally {
    db.close();
  }
}

/**
 * Restores a backup into a new (or empty) data folder, verified before it is used: every file
 * against the manifest's SHA-256, the database with `PRAGMA integrity_check`, the audit chain and
 * its anchored head with the install's key. Everything is unpacked into a hidden folder beside the
 * target and moved into place only when it all checks out; on any failure that folder is removed
 * and the target is left as it was.
 */
export async function restoreBackup(o: RestoreOptions): Promise<RestoreResult> {
  const target = path.resolve(o.target);
  checkRestoreTarget(target);
  mkdirPrivate(path.dirname(target));
  sweepRestoreLeftovers(target);
  const staging = path.join(
    path.dirname(target),
    `${stagingPrefix(target)}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  fs.mkdirSync(staging, { mode: PRIVATE_DIR_MODE });
  try {
    const { files, manifest: raw } = await extract(o.file, staging, o);
    const parsed = parseManifest(raw);
    if (!parsed.ok) throw new RestoreError('manifest', parsed.reason);
    const manifest = parsed.manifest;
    checkFiles(manifest, files);
    const sealed = openSecrets(staging, manifest, o);
    const audit = checkDatabase(staging, manifest, o, sealed);
    if (o.signal?.aborted) throw new RestoreError('cancelled', 'The restore was cancelled: nothing was kept');
    if (sealed) {
      o.installSecrets(staging, sealed);
      fs.rmSync(path.join(staging, SEALED_SECRETS_FILE));
    }
    // The database keeps recordings by absolute path: point them at the restored folder.
    const relocated =
      manifest.dataDir && path.resolve(manifest.dataDir) !== target
        ? relocateDataPaths(
            path.join(staging, manifest.database.path),
            path.resolve(manifest.dataDir) + path.sep,
            target + path.sep,
            o.nativeBinding,
          )
        : 0;
    // Again: something may have been put there meanwhile, or a folder on the way swapped for a link.
    if (o.outside !== undefined) refuseInside(target, o.outside);
    refuseLink(target);
    refuseNonEmpty(target);
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(staging, target);
    let bytes = 0;
    for (const f of files.values()) bytes += f.size;
    return { manifest, files: files.size, bytes, audit, relocated };
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
