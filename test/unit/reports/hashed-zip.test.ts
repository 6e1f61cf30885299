import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { HashedZip, javascriptCrc32, yazlUsesNativeCrc32 } from '../../../src/main/core/reports';
import { makeTempDir } from '../../helpers/temp-dir';

const tmp = makeTempDir('calldeck-hashed-zip-');
afterAll(() => tmp.cleanup());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function read(file: string): Promise<Map<string, { data: Buffer; stored: boolean }>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const out = new Map<string, { data: Buffer; stored: boolean }>();
  try {
    for await (const e of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const c of await zip.openReadStreamPromise(e)) chunks.push(c as Buffer);
      out.set(e.fileName, { data: Buffer.concat(chunks), stored: e.compressionMethod === 0 });
    }
  } finally {
    zip.close();
  }
  return out;
}

describe('HashedZip (the bundle and the backup write through it)', () => {
  it('hashes every entry as it is written, in order; trailers are written but not listed; media is stored', async () => {
    const wav = path.join(tmp.dir, 'a.wav');
    fs.writeFileSync(wav, Buffer.alloc(10_000, 7));
    const out = path.join(tmp.dir, 'z.zip');
    let bytes = 0;
    const opened: string[] = [];
    const zip = new HashedZip(out, { onBytes: (n) => (bytes += n) });
    zip.addBuffer('notes.txt', 'hello');
    zip.addFile('rec/a.wav', wav, () => opened.push('rec/a.wav'));
    expect(() => zip.addBuffer('notes.txt', 'again')).toThrow(/already in the zip/);
    const hashes = await zip.hashes();
    zip.addTrailer('manifest.json', Buffer.from(JSON.stringify(hashes)));
    await zip.end();
    expect(hashes).toEqual([
      { path: 'notes.txt', size: 5, sha256: sha(Buffer.from('hello')) },
      { path: 'rec/a.wav', size: 10_000, sha256: sha(fs.readFileSync(wav)) },
    ]);
    expect(bytes).toBe(10_005);
    expect(opened).toEqual(['rec/a.wav']);
    const entries = await read(out);
    expect([...entries.keys()]).toEqual(['notes.txt', 'rec/a.wav', 'manifest.json']);
    expect(entries.get('rec/a.wav')).toMatchObject({ stored: true });
    expect(entries.get('notes.txt')).toMatchObject({ stored: false });
    expect(JSON.parse(entries.get('manifest.json')!.data.toString())).toEqual(hashes);
  });

  it('fails, naming the cause, when an entry cannot be read; an aborted write fails too', async () => {
    const broken = new HashedZip(path.join(tmp.dir, 'broken.zip'));
    broken.addFile('gone.wav', path.join(tmp.dir, 'no-such-file.wav'));
    await expect(broken.hashes()).rejects.toThrow(/ENOENT/);
    const abort = new AbortController();
    const big = path.join(tmp.dir, 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(8 * 1024 * 1024, 1));
    const zip = new HashedZip(path.join(tmp.dir, 'aborted.zip'), {
      signal: abort.signal,
      onBytes: () => abort.abort(),
    });
    zip.addFile('big.bin', big);
    zip.addFile('later.bin', big);
    await expect(zip.hashes()).rejects.toThrow();
  });
});

describe("zips checksum with Node's native CRC-32", () => {
  it('yazl uses zlib.crc32, which gives the JavaScript CRC-32 it came with, chunk by chunk too', async () => {
    expect(yazlUsesNativeCrc32()).toBe(true);
    let seed = 7;
    const bytes = (n: number) =>
      Buffer.from(Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 255));
    for (const n of [0, 1, 3, 64, 1000, 65_537]) {
      const b = bytes(n);
      expect(zlib.crc32(b)).toBe(javascriptCrc32(b));
      expect(zlib.crc32(b, 0x1234_5678)).toBe(javascriptCrc32(b, 0x1234_5678));
    }
    expect(zlib.crc32('दर्ज ✓')).toBe(javascriptCrc32('दर्ज ✓'));
    // A streamed entry of many chunks: the checksum in the zip is the whole data's.
    const data = bytes(300_000);
    const out = path.join(tmp.dir, 'crc.zip');
    const zip = new HashedZip(out);
    zip.addStream('data.bin', () =>
      Readable.from([data.subarray(0, 1), data.subarray(1, 99_999), data.subarray(99_999)]),
    );
    await zip.end();
    const file = await yauzl.openPromise(out, { lazyEntries: true });
    try {
      const crcs: number[] = [];
      for await (const e of file.eachEntry()) crcs.push(e.crc32);
      expect(crcs).toEqual([javascriptCrc32(data)]);
    } finally {
      file.close();
    }
    expect((await read(out)).get('data.bin')?.data.equals(data)).toBe(true);
  });
});
