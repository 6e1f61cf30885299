import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StagedFile } from '../../../shared/files';
import type { Logger } from '../logging';
import { sweepLeftovers } from './leftovers';

const UPLOAD_PREFIX = 'upload-';

export class StagingError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'not_a_file' | 'too_large' | 'unknown_file' | 'bad_name',
  ) {
    super(message);
    this.name = 'StagingError';
  }
}

interface Entry extends StagedFile {
  path: string;
  /** Uploaded copies are ours to delete; files staged by path belong to the user. */
  owned: boolean;
}

/** Keeps a base name only: an upload's name is display text, never a path. */
function safeName(name: string): string {
  const base = path
    .basename(name.replace(/\\/g, '/'))

    .split('')
    .filter((ch) => ch.charCodeAt(0) >= 0x20)
    .join('')
    .trim();
  if (base === '' || base === '.' || base === '..')
    throw new StagingError('The file needs a name', 'bad_name');
  return base.slice(0, 255);
}

/**
 * Files handed to CallDeck by a host, addressed by an opaque id. Electron stages the path the user
 * dropped; the headless host streams an upload into `dir` (bounded in size).
 */
export class StagedFiles {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly dir: string) {}

  registerPath(filePath: string): StagedFile {
    const stat = fs.statSync(filePath, { throwIfNoEntry: false });
    if (!stat) throw new StagingError(`No such file: ${filePath}`, 'not_found');
    if (!stat.isFile()) throw new StagingError(`Not a file: ${filePath}`, 'not_a_file');
    const entry: Entry = {
      id: randomUUID(),
      name: path.basename(filePath),
      size: stat.size,
      path: filePath,
      owned: false,
    };
    this.entries.set(entry.id, entry);
    return { id: entry.id, name: entry.name, size: entry.size };
  }

  async registerUpload(body: Readable, name: string, maxBytes: number): Promise<StagedFile> {
    const display = safeName(name);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    // Named with our pid, so a later start can tell a crashed run's upload from a live one's.
    const target = path.join(this.dir, `${UPLOAD_PREFIX}${process.pid}-${id}`);
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes)
          done(new StagingError(`File is larger than ${Math.round(maxBytes / 1e6)} MB`, 'too_large'));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(body, limit, fs.createWriteStream(target, { mode: 0o600 }));
    } catch (err) {
      fs.rmSync(target, { force: true });
      throw err;
    }
    const entry: Entry = { id, name: display, size, path: target, owned: true };
    this.entries.set(id, entry);
    return { id, name: display, size };
  }

  /** The path to read a staged file from; throws a typed error for an unknown id. */
  resolve(id: string): StagedFile & { path: string } {
    const e = this.entries.get(id);
    if (!e) throw new StagingError('That file is no longer available: drop it again', 'unknown_file');
    return { id: e.id, name: e.name, size: e.size, path: e.path };
  }

  release(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    if (e.owned) fs.rmSync(e.path, { force: true });
  }

  /** Releases our own uploads only: another CallDeck on the same folder may hold its own here. */
  clear(): void {
    for (const id of [...this.entries.keys()]) this.release(id);
  }

  /**
   * Uploads left by a crash are unreachable (ids live in memory): removes those whose process is
   * gone, and unnamed ones from older versions once an hour old.
   */
  sweep(log?: Logger): void {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    sweepLeftovers({ dir: this.dir, prefix: UPLOAD_PREFIX, tail: uuid, log });
    sweepLeftovers({ dir: this.dir, prefix: '', tail: /^$/, legacyRest: uuid, log });
  }
}
