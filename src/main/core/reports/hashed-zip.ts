import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { yazl } from './zip-crc';

/** One entry as a manifest lists it. */
export interface HashedFile {
  path: string;
  size: number;
  sha256: string;
}

export interface HashedZipOptions {
  /** The archive file's mode (backups: 0600). */
  fileMode?: number;
  /** Every entry's mode and time (default yazl's). */
  entry?: { mode?: number; mtime?: Date };
  /** Bytes of entry data as they are read (progress). */
  onBytes?: (n: number) => void;
  /** Stops the write: an entry not yet opened fails, the pipeline is torn down. */
  signal?: AbortSignal;
}

/** Already-compressed media gain nothing from deflate. */
const STORED = /\.(wav|mp3|ogg|opus|zip|xlsx|pdf)$/i;

/**
 * A zip written as a stream whose entries are hashed as they pass (the audit bundle and the
 * backup): entries are opened one after another when the zip reaches them, so nothing large sits
 * in memory; `hashes()` then gives every entry's size and SHA-256 for a manifest, added with
 * `addTrailer` before `end()`.
 */
export class HashedZip {
  private readonly zip = new yazl.ZipFile();
  private readonly hashed: Promise<HashedFile>[] = [];
  private readonly names = new Set<string>();
  private readonly written: Promise<void>;

  constructor(
    out: string,
    private readonly o: HashedZipOptions = {},
  ) {
    // A read error (a file removed meanwhile) ends the archive's stream, so the pipeline fails with it.
    this.zip.on('error', (err: Error) => (this.zip.outputStream as Readable).destroy(err));
    this.written = pipeline(
      this.zip.outputStream as Readable,
      fs.createWriteStream(out, o.fileMode === undefined ? {} : { mode: o.fileMode }),
      ...(o.signal ? [{ signal: o.signal }] : []),
    );
    // A failed write must not leave the entries' hash promises unobserved.
    this.written.catch(() => undefined);
  }

  private claim(path: string): void {
    if (this.names.has(path)) throw new Error(`internal: ${path} is already in the zip`);
    this.names.add(path);
  }

  private options(
    path: string,
    extra: Partial<yazl.ReadStreamOptions> = {},
  ): Partial<yazl.ReadStreamOptions> {
    return { compress: !STORED.test(path), ...this.o.entry, ...extra };
  }

  /**
   * An entry read from `open()` when the zip reaches it (`onOpen` first: progress notes), hashed
   * as it goes in.
   */
  addStream(path: string, open: () => Readable, onOpen?: () => void): void {
    this.claim(path);
    const hash = createHash('sha256');
    let size = 0;
    const onBytes = this.o.onBytes;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        onBytes?.(chunk.length);
        done(null, chunk);
      },
    });
    this.hashed.push(
      new Promise<HashedFile>((resolve, reject) => {
        tap.on('end', () => resolve({ path, size, sha256: hash.digest('hex') }));
        tap.on('error', reject);
      }),
    );
    this.hashed.at(-1)?.catch(() => undefined);
    this.zip.addReadStreamLazy(path, this.options(path), (cb) => {
      if (this.o.signal?.aborted) {
        const reason: unknown = this.o.signal.reason;
        return cb(reason instanceof Error ? reason : new Error('aborted'), Readable.from([]));
      }
      onOpen?.();
      const input = open();
      const out = new PassThrough();
      input.on('error', (err) => tap.destroy(err));
      input.pipe(tap).pipe(out);
      cb(null, out);
    });
  }

  /** A file copied in (opened when the zip reaches it). */
  addFile(path: string, source: string, onOpen?: () => void): void {
    this.addStream(path, () => fs.createReadStream(source), onOpen);
  }

  /**
   * Bytes in memory. Not yazl's addBuffer: it starts a deflate per entry at once (a 20,000-call
   * bundle's transcripts were 20,000 zlib streams at once: 972 MB peak RSS) and keeps each buffer
   * for the zip's life; this one is let go once the zip has read it.
   */
  addBuffer(path: string, data: Buffer | string): void {
    let pending: Buffer | null = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.addStream(path, () => {
      const chunk = pending ?? Buffer.alloc(0);
      pending = null;
      return Readable.from([chunk]);
    });
  }

  /** Every entry's size and SHA-256, in order, once all are written (the zip's failure if it failed). */
  async hashes(): Promise<HashedFile[]> {
    return Promise.race([
      Promise.all(this.hashed),
      this.written.then(() => {
        throw new Error('internal: the zip closed before its entries were written');
      }),
    ]);
  }

  /** An entry not listed by `hashes()` (the manifest itself, its signature). */
  addTrailer(path: string, data: Buffer): void {
    this.claim(path);
    this.zip.addBuffer(data, path, { ...this.o.entry });
  }

  /** Closes the zip; resolves once the file is written. */
  async end(): Promise<void> {
    this.zip.end();
    await this.written;
  }

  /** Stops writing (the caller removes the partial file). */
  abort(): void {
    this.zip.outputStream.unpipe();
    (this.zip.outputStream as unknown as PassThrough).destroy();
  }
}
