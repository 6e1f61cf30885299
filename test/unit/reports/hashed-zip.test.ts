import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { HashedZip } from '../../../src/main/core/reports';
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
