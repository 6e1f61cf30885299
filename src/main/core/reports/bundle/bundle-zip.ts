import { HashedZip, type HashedFile } from '../hashed-zip';
import type { BundleSigner } from './signing-key';

export const BUNDLE_FORMAT = 'calldeck-audit-bundle';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';

export type ManifestFile = HashedFile;

/** What the manifest says beyond its files (signed with them). */
export type ManifestBody = Record<string, unknown> & {
  audit: { fromSeq: number; toSeq: number; fullRows: number; withheldRows: number };
};

/**
 * A bundle being written: entries stream into a hashed zip one after another, so a 100,000-call
 * bundle never sits in memory; `finish` then adds the manifest (every file's size and SHA-256) and
 * its Ed25519 signature.
 */
export class BundleZip {
  private readonly zip: HashedZip;

  constructor(out: string) {
    this.zip = new HashedZip(out);
  }

  private check(path: string): void {
    if (path === MANIFEST_FILE || path === SIGNATURE_FILE)
      throw new Error(`internal: ${path} is written by the bundle itself`);
  }

  addBuffer(path: string, data: Buffer | string): void {
    this.check(path);
    this.zip.addBuffer(path, data);
  }

  /** Copies a file in (opened when the zip reaches it), hashing the bytes that go in. */
  addFile(path: string, source: string): void {
    this.check(path);
    this.zip.addFile(path, source);
  }

  /** Adds the manifest and its signature, then closes the zip; resolves once the file is written. */
  async finish(body: ManifestBody, signer: BundleSigner): Promise<{ files: ManifestFile[] }> {
    const files = await this.zip.hashes();
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
    this.zip.addTrailer(MANIFEST_FILE, manifest);
    this.zip.addTrailer(SIGNATURE_FILE, Buffer.from(signer.sign(manifest).toString('base64') + '\n'));
    await this.zip.end();
    return { files };
  }

  /** Stops writing (the caller removes the partial file). */
  abort(): void {
    this.zip.abort();
  }
}
