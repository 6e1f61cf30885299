import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { BundleSigner } from './signing-key';

export const BUNDLE_FORMAT = 'calldeck-audit-bundle';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

/** What the manifest says beyond its files (signed with them). */
export type ManifestBody = Record<string, unknown> & {
  audit: { fromSeq: number; toSeq: number; fullRows: number; withheldRows: number };
};

/** Already-compressed media gain nothing from deflate. */
const STORED = /\.(wav|mp3|ogg|opus|zip|xlsx|pdf)$/i;

/**
 * A bundle being written: entries stream into a zip file (yazl) one after another, each hashed as
 * it passes, so a 100,000-call bundle never sits in memory; `finish` then adds the manifest (every
 * file's size and SHA-256) and its Ed25519 signature.
 */
export class BundleZip {
  private readonly zip = new yazl.ZipFile();
  private readonly files: Promise<ManifestFile>[] = [];
  private readonly names = new Set<string>();
  private readonly written: Promise<void>;

  constructor(out: string) {
    this.written = pipeline(this.zip.outputStream, fs.createWriteStream(out));
    // A failed write must not leave the entries' hash promises unobserved.
    this.written.catch(() => undefined);
  }

  private claim(path: string): void {
    if (this.names.has(path) || path === MANIFEST_FILE || path === SIGNATURE_FILE)
      throw new Error(`internal: ${path} is already in the bundle`);
    this.names.add(path);
  }

  addBuffer(path: string, data: Buffer | string): void {
    this.claim(path);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    // Not yazl's addBuffer: it starts a deflate per entry at once (a 20,000-call bundle's
    // transcripts were 20,000 zlib streams at once: 972 MB peak RSS) and keeps each buffer for the
    // zip's life. A lazy stream is deflated when the zip reaches it, and the buffer is let go then.
    let pending: Buffer | null = buf;
    this.zip.addReadStreamLazy(path, { compress: !STORED.test(path), size: buf.length }, (cb) => {
      const chunk = pending ?? Buffer.alloc(0);
      pending = null;
      cb(null, Readable.from([chunk]));
    });
    this.files.push(
      Promise.resolve({ path, size: buf.length, sha256: createHash('sha256').update(buf).digest('hex') }),
    );
  }

  /** Copies a file in (opened when the zip reaches it), hashing the bytes that go in. */
  addFile(path: string, source: string): void {
    this.claim(path);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const entry = new Promise<ManifestFile>((resolve, reject) => {
      tap.on('end', () => resolve({ path, size, sha256: hash.digest('hex') }));
      tap.on('error', reject);
    });
    this.files.push(entry);
    this.zip.addReadStreamLazy(path, { compress: !STORED.test(path) }, (cb) => {
      const input = fs.createReadStream(source);
      const out = new PassThrough();
      input.on('error', (err) => tap.destroy(err));
      input.pipe(tap).pipe(out);
      cb(null, out);
    });
  }

  /** Adds the manifest and its signature, then closes the zip; resolves once the file is written. */
  async finish(body: ManifestBody, signer: BundleSigner): Promise<{ files: ManifestFile[] }> {
    const files = await Promise.race([
      Promise.all(this.files),
      this.written.then(() => {
        throw new Error('internal: the bundle closed before its files were written');
      }),
    ]);
    const manifest = Buffer.from(
      JSON.stringify(
        {
          format: BUNDLE_FORMAT,
          version: 1,
          ...body,
          signing: { algorithm: 'Ed25519', publicKey: signer.publicKey, fingerprint: signer.fingerprint },
          files,
        },
        null,
        1,
      ) + '\n',
      'utf8',
    );
    this.zip.addBuffer(manifest, MANIFEST_FILE, {});
    this.zip.addBuffer(Buffer.from(signer.sign(manifest).toString('base64') + '\n'), SIGNATURE_FILE, {});
    this.zip.end();
    await this.written;
    return { files };
  }

  /** Stops writing (the caller removes the partial file). */
  abort(): void {
    this.zip.outputStream.unpipe();
    (this.zip.outputStream as unknown as PassThrough).destroy();
  }
}
