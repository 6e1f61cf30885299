import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, MemorySecretStore } from '../../../src/main/core';
import { hashEntry } from '../../../src/main/core/reports';
import { bundleSigner, findBundleVerifier, verifyBundleFile } from '../../../src/main/core/reports/bundle';
import { BundleZip } from '../../../src/main/core/reports/bundle/bundle-zip';
import { makeTempDir } from '../../helpers/temp-dir';

// What verify.mjs checks beyond the files' hashes, on bundles signed with a real key: the checks a
// signature cannot make (the records are consistent with each other), and zip64 bundles (a
// 100,000-call bundle has more than 65,535 entries).

let tmp: { dir: string; cleanup: () => void } | undefined;
afterEach(() => {
  tmp?.cleanup();
  tmp = undefined;
});

const signer = bundleSigner(new MemorySecretStore());

/** Legacy (unkeyed) rows, which anyone can recompute: a chain of `n` rows about campaign c1. */
function legacyRows(n: number) {
  const rows = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq,
      at: `2026-01-0${seq}T00:00:00.000Z`,
      actor: 'asha',
      action: 'campaigns.start',
      subject: 'campaign:c1',
      payload: '{}',
    };
    const hash = hashEntry(prevHash, base);
    rows.push({ ...base, prevHash, hash, scheme: 'sha256' as const });
    prevHash = hash;
  }
  return rows;
}

interface Parts {
  rows: object[];
  head: object;
  calls: object[];
  dnc: object;
  campaigns: object[];
}

function good(): Parts {
  const rows = legacyRows(3);
  return {
    rows,
    head: {
      anchored: { rows: 3, headHash: rows[2]!.hash, legacyRows: 3, at: 'x' },
      chainAtExport: { ok: true },
    },
    calls: [{ attemptId: 'a1', number: '+919800000001', dncVersion: 2, recordings: [], transcript: null }],
    dnc: {
      current: 3,
      numbers: {
        '+919800000001': [
          { version: 1, op: 'add' },
          { version: 2, op: 'remove' },
        ],
      },
    },
    campaigns: [
      { id: 'c1', history: [{ seq: 2, at: rows[1]!.at, actor: 'asha', action: 'campaigns.start' }] },
    ],
  };
}

async function bundle(parts: Parts): Promise<string> {
  tmp ??= makeTempDir('calldeck-verifier-');
  const file = path.join(tmp.dir, `b${fs.readdirSync(tmp.dir).length}.zip`);
  const zip = new BundleZip(file);
  const jsonl = (xs: object[]) => xs.map((x) => JSON.stringify(x) + '\n').join('');
  zip.addBuffer('audit/rows.jsonl', jsonl(parts.rows));
  zip.addBuffer('audit/head.json', JSON.stringify(parts.head));
  zip.addBuffer('calls.jsonl', jsonl(parts.calls));
  zip.addBuffer('provenance/dnc.json', JSON.stringify(parts.dnc));
  zip.addBuffer('provenance/campaigns.json', JSON.stringify(parts.campaigns));
  await zip.finish(
    { audit: { fromSeq: 1, toSeq: parts.rows.length, fullRows: parts.rows.length, withheldRows: 0 } },
    signer,
  );
  return file;
}

const messages = async (parts: Parts) =>
  (await verifyBundleFile(await bundle(parts))).problems.map((p) => `${p.code}: ${p.message}`);

describe('verify.mjs on signed bundles', () => {
  it('passes a consistent bundle (a number taken off the register before it was dialled)', async () => {
    const r = await verifyBundleFile(await bundle(good()), { expectKey: signer.fingerprint });
    expect(r).toMatchObject({ ok: true, problems: [], fingerprint: signer.fingerprint, files: 5 });
  });

  it('names a call placed to a number on the Do-Not-Call list at its version, or a version past the last', async () => {
    const p = good();
    p.calls = [
      { attemptId: 'a1', number: '+919800000001', dncVersion: 1, recordings: [], transcript: null },
      { attemptId: 'a2', number: '+919800000002', dncVersion: 9, recordings: [], transcript: null },
    ];
    expect(await messages(p)).toEqual([
      'dnc: call a1 to +919800000001 was placed while the number was on the Do-Not-Call list (version 1)',
      'dnc: call a2 names Do-Not-Call version 9, past the last one (3)',
    ]);
  });

  it('names an edited legacy row, a chain the install could not verify, and history citing a row it lacks', async () => {
    const p = good();
    p.rows = legacyRows(3).map((r) => (r.seq === 2 ? { ...r, actor: 'mallory' } : r));
    p.head = { ...p.head, chainAtExport: { ok: false, reason: 'row 2: hash does not match the row' } };
    p.campaigns = [{ id: 'c1', history: [{ seq: 7, at: 'x', actor: 'asha', action: 'campaigns.start' }] }];
    expect(await messages(p)).toEqual([
      'chain: audit/rows.jsonl: row 2 does not match its hash: it was edited',
      "chain: the install's own audit chain did not verify when the bundle was made: row 2: hash does not match the row",
      'reference: provenance/campaigns.json: campaign c1 cites audit row 7, which the slice does not hold',
    ]);
  });

  it('names a recording or transcript a call lists that the bundle lacks', async () => {
    const p = good();
    p.calls = [
      {
        attemptId: 'a1',
        number: '+919800000003',
        dncVersion: 3,
        recordings: [{ channel: 'caller', path: 'recordings/a1/s-caller.wav' }],
        transcript: 'transcripts/a1.txt',
      },
    ];
    expect(await messages(p)).toEqual([
      'missing: recordings/a1/s-caller.wav (of call a1) is not in the bundle',
      'missing: transcripts/a1.txt (of call a1) is not in the bundle',
    ]);
  });

  it('does not inflate an entry past the size its central directory declares', async () => {
    const file = await bundle(good());
    const zip = fs.readFileSync(file);
    // The central directory record of calls.jsonl: its uncompressed size (offset 24) set to 1 byte.
    const name = Buffer.from('calls.jsonl');
    let at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    while (at >= 0 && !zip.subarray(at + 46, at + 46 + name.length).equals(name))
      at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4);
    zip.writeUInt32LE(1, at + 24);
    fs.writeFileSync(file, zip);
    const r = await verifyBundleFile(file);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ code: 'changed', path: 'calls.jsonl' });
    expect(r.problems[0]!.message).toMatch(/^calls\.jsonl cannot be read: /);
  });

  it('keeps memory flat while thousands of small files are queued (no deflate started per file)', async () => {
    tmp ??= makeTempDir('calldeck-verifier-');
    const zip = new BundleZip(path.join(tmp.dir, 'many.zip'));
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 5000; i++)
      zip.addBuffer(`transcripts/${i}.txt`, `[00:01.000] caller: yes ${i}\n`.repeat(10));
    const grown = process.memoryUsage().rss - before;
    const { files } = await zip.finish(
      { audit: { fromSeq: 1, toSeq: 0, fullRows: 0, withheldRows: 0 } },
      signer,
    );
    expect(files).toHaveLength(5000);
    // Measured: ~0.9 GB when each file started its own deflate at once; a few MB queued lazily.
    expect(grown).toBeLessThan(200_000_000);
  }, 60_000);

  it('reads zip64 archives (stored and deflated entries)', async () => {
    tmp ??= makeTempDir('calldeck-verifier-');
    const file = path.join(tmp.dir, 'zip64.zip');
    const zip = new yazl.ZipFile();
    const big = Buffer.alloc(200_000, 'calldeck ');
    zip.addBuffer(big, 'a.txt', { forceZip64Format: true, compress: true });
    zip.addBuffer(Buffer.from('stored'), 'b.wav', { forceZip64Format: true, compress: false });
    zip.end({ forceZip64Format: true, comment: '' });
    await new Promise<void>((resolve) =>
      zip.outputStream.pipe(fs.createWriteStream(file)).on('close', () => resolve()),
    );
    const { openZip } = (await import(findBundleVerifier())) as {
      openZip: (f: string) => { entries: { name: string }[]; read: (e: { name: string }) => Buffer };
    };
    const z = openZip(file);
    expect(z.entries.map((e) => e.name)).toEqual(['a.txt', 'b.wav']);
    expect(z.read(z.entries[0]!).equals(big)).toBe(true);
    expect(z.read(z.entries[1]!).toString()).toBe('stored');
  });
});
