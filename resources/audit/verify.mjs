#!/usr/bin/env node
// CallDeck audit bundle verifier: Node >= 18, no dependencies. Usage:
//   node verify.mjs BUNDLE.zip [--json] [--key FINGERPRINT]
// Checks, without CallDeck: the manifest's Ed25519 signature (and, with --key, that it was made by
// the install whose key fingerprint you were given), every file's size and SHA-256 against the
// manifest (changed, missing or extra files), the audit-log slice's hash links up to the chain's
// anchored head, the rows the campaign history cites, the recordings and transcripts the calls
// name, and that no call went to a number on the Do-Not-Call list at the version it was checked
// against. Exits 0 when all hold, 1 naming every problem (the first one first), 2 on bad usage.
// CallDeck's `calldeck audit verify-bundle` runs this same file.
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

export const BUNDLE_FORMAT = 'calldeck-audit-bundle';
const GENESIS = '0'.repeat(64);
const MANIFEST = 'manifest.json';
const SIGNATURE = 'manifest.sig';
const MAX_TEXT = 512 * 1024 * 1024;

// ---- zip: the central directory, then each entry from its local header (zip64 aware) ----

function readAt(fd, position, length) {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error('the zip ends early');
    done += n;
  }
  return buf;
}

function zip64Extra(extra, entry) {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const size = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => {
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.offset === 0xffffffff) entry.offset = next();
    }
    p += 4 + size;
  }
}

/** The entries of a zip file, by its central directory. */
export function openZip(file) {
  const fd = openSync(file, 'r');
  try {
    const length = fstatSync(fd).size;
    const tailLength = Math.min(length, 65557);
    const tail = readAt(fd, length - tailLength, tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
      const locator = length - tailLength + eocd - 20;
      const loc = readAt(fd, locator, 20);
      if (loc.readUInt32LE(0) !== 0x07064b50) throw new Error('zip64 locator missing');
      const rec = readAt(fd, Number(loc.readBigUInt64LE(8)), 56);
      if (rec.readUInt32LE(0) !== 0x06064b50) throw new Error('zip64 end record missing');
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    const cd = readAt(fd, cdOffset, cdSize);
    const entries = [];
    for (let p = 0, i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error('damaged central directory');
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const entry = {
        name: cd.toString('utf8', p + 46, p + 46 + nameLength),
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        offset: cd.readUInt32LE(p + 42),
      };
      zip64Extra(cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength), entry);
      entries.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return { entries, read: (entry) => readEntry(file, entry) };
  } finally {
    closeSync(fd);
  }
}

function readEntry(file, entry) {
  const fd = openSync(file, 'r');
  try {
    const local = readAt(fd, entry.offset, 30);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${entry.name}: damaged local header`);
    const start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = readAt(fd, start, entry.compressedSize);
    if (entry.method === 0) return raw;
    // Never inflate past the size the directory declares (a crafted bundle must not exhaust memory).
    if (entry.method === 8) return inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    throw new Error(`${entry.name}: unsupported compression method ${entry.method}`);
  } finally {
    closeSync(fd);
  }
}

// ---- checks ----

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** SHA-256 of the public key (DER, SubjectPublicKeyInfo): what the app shows and the audit row records. */
export const keyFingerprint = (spkiDer) => sha256(spkiDer);

function parseJson(buf, what) {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

/** Legacy (unkeyed) rows can be recomputed by anyone: SHA-256 over the previous hash and the row. */
const legacyHash = (r) =>
  createHash('sha256')
    .update(r.prevHash)
    .update('\n')
    .update(JSON.stringify([r.seq, r.at, r.actor, r.action, r.subject, r.payload]))
    .digest('hex');

function linkProblem(r, prev, fromSeq) {
  const expected = prev ? prev.seq + 1 : fromSeq;
  if (r.seq !== expected)
    return `audit/rows.jsonl: row ${expected} is missing from the slice (found row ${r.seq} there)`;
  if (prev ? r.prevHash !== prev.hash : r.seq === 1 && r.prevHash !== GENESIS)
    return `audit/rows.jsonl: row ${r.seq} does not link to row ${r.seq - 1} (prev_hash differs): rows were removed, edited or reordered`;
  if (r.scheme === 'sha256' && !r.withheld && legacyHash(r) !== r.hash)
    return `audit/rows.jsonl: row ${r.seq} does not match its hash: it was edited`;
  return undefined;
}

function checkAuditSlice(text, head, audit, problem, warn) {
  const bySeq = new Map();
  let prev;
  let broken = false;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    // Only the first broken link is named; the rows after it are still read for what cites them.
    const message = broken ? undefined : linkProblem(r, prev, audit.fromSeq);
    if (message) problem('chain', message);
    broken ||= message !== undefined;
    bySeq.set(r.seq, r);
    prev = r;
  }
  if (!head.chainAtExport?.ok)
    problem(
      'chain',
      `the install's own audit chain did not verify when the bundle was made: ${head.chainAtExport?.reason ?? 'no result recorded'}`,
    );
  if (broken) return bySeq;
  const last = prev ? prev.seq : audit.fromSeq - 1;
  if (last < audit.toSeq)
    problem(
      'chain',
      `audit/rows.jsonl ends at row ${last} but the bundle covers rows up to ${audit.toSeq}: the newest ${audit.toSeq - last} row(s) were deleted`,
    );
  else if (last > audit.toSeq)
    problem(
      'chain',
      `audit/rows.jsonl runs to row ${last}, past the ${audit.toSeq} the manifest names: rows were added`,
    );
  const anchored = head.anchored;
  if (!anchored) warn('the install had no anchored head when the bundle was made');
  else if (anchored.rows > last)
    problem(
      'chain',
      `audit/rows.jsonl ends at row ${last} but the chain's anchored head is row ${anchored.rows}: the newest rows were deleted`,
    );
  else if (anchored.rows >= audit.fromSeq && bySeq.get(anchored.rows)?.hash !== anchored.headHash)
    problem(
      'chain',
      `row ${anchored.rows}'s hash differs from the chain's anchored head: the chain was rewritten`,
    );
  return bySeq;
}

function checkCitations(campaigns, bySeq, problem) {
  for (const c of campaigns)
    for (const h of c.history ?? []) {
      const row = bySeq.get(h.seq);
      if (!row || row.withheld)
        problem(
          'reference',
          `provenance/campaigns.json: campaign ${c.id} cites audit row ${h.seq}, which the slice does not hold`,
        );
      else if (row.action !== h.action || row.actor !== h.actor || row.at !== h.at)
        problem(
          'reference',
          `provenance/campaigns.json: campaign ${c.id}'s history differs from audit row ${h.seq}`,
        );
    }
}

function checkCalls(calls, dnc, present, problem, warn) {
  const numbers = dnc.numbers ?? {};
  for (const c of calls) {
    for (const r of c.recordings ?? [])
      if (r.refused) warn(`call ${c.attemptId}: its ${r.channel} recording was not copied (${r.refused})`);
      else if (r.missingAtExport)
        warn(`call ${c.attemptId}: its ${r.channel} recording was already missing when the bundle was made`);
    for (const p of [
      ...(c.recordings ?? []).filter((r) => r.path).map((r) => r.path),
      ...(c.transcript ? [c.transcript] : []),
    ])
      if (!present.has(p)) problem('missing', `${p} (of call ${c.attemptId}) is not in the bundle`);
    if (c.dncVersion === null || c.dncVersion === undefined) continue;
    if (c.dncVersion > dnc.current)
      problem(
        'dnc',
        `call ${c.attemptId} names Do-Not-Call version ${c.dncVersion}, past the last one (${dnc.current})`,
      );
    let listed = false;
    for (const change of numbers[c.number] ?? [])
      if (change.version <= c.dncVersion) listed = change.op === 'add';
    if (listed)
      problem(
        'dnc',
        `call ${c.attemptId} to ${c.number} was placed while the number was on the Do-Not-Call list (version ${c.dncVersion})`,
      );
  }
}

/**
 * Verifies a bundle. `expectKey`: the fingerprint the bundle must be signed with. Returns
 * { ok, problems: [{ code, path?, message }], warnings, fingerprint, files }.
 */
export function verifyBundle(file, { expectKey } = {}) {
  const problems = [];
  const warnings = [];
  const problem = (code, message, path) => problems.push(path ? { code, path, message } : { code, message });
  const warn = (message) => warnings.push(message);
  const result = () => ({
    ok: problems.length === 0,
    bundle: basename(file),
    fingerprint,
    files,
    problems,
    warnings,
  });
  let fingerprint = null;
  let files = 0;
  let zip;
  try {
    zip = openZip(file);
  } catch (err) {
    problem('zip', `cannot read the bundle: ${err.message}`);
    return result();
  }
  const byName = new Map();
  for (const e of zip.entries) {
    if (byName.has(e.name)) problem('duplicate', `${e.name} appears twice in the zip`, e.name);
    byName.set(e.name, e);
  }
  const manifestEntry = byName.get(MANIFEST);
  const signatureEntry = byName.get(SIGNATURE);
  if (!manifestEntry || !signatureEntry) {
    problem(
      'manifest',
      `${!manifestEntry ? MANIFEST : SIGNATURE} is missing: this is not a complete CallDeck audit bundle`,
    );
    return result();
  }
  let manifest;
  try {
    const manifestBytes = zip.read(manifestEntry);
    manifest = parseJson(manifestBytes, MANIFEST);
    if (manifest.format !== BUNDLE_FORMAT || manifest.version !== 1 || !Array.isArray(manifest.files))
      throw new Error(`${MANIFEST} is not a version 1 CallDeck audit bundle manifest`);
    const der = Buffer.from(String(manifest.signing?.publicKey ?? ''), 'base64');
    fingerprint = keyFingerprint(der);
    if (manifest.signing?.fingerprint !== fingerprint)
      problem('signature', `the manifest's key fingerprint does not match its public key`, MANIFEST);
    const signature = Buffer.from(zip.read(signatureEntry).toString('utf8').trim(), 'base64');
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (!verifySignature(null, manifestBytes, key, signature))
      problem(
        'signature',
        `the manifest's signature is not valid: ${MANIFEST} (or ${SIGNATURE}) was changed after signing`,
        MANIFEST,
      );
  } catch (err) {
    problem('signature', `the manifest cannot be checked: ${err.message}`, MANIFEST);
    if (!manifest?.files) return result();
  }
  if (
    expectKey &&
    fingerprint !==
      String(expectKey)
        .toLowerCase()
        .replace(/[^0-9a-f]/g, '')
  )
    problem(
      'key',
      `signed with key ${fingerprint}, not the expected ${expectKey}: it was re-signed by someone else`,
    );

  const listed = new Set();
  const texts = new Map();
  for (const f of manifest.files) {
    listed.add(f.path);
    const entry = byName.get(f.path);
    if (!entry) {
      problem('missing', `${f.path} is missing from the bundle`, f.path);
      continue;
    }
    let data;
    try {
      data = zip.read(entry);
    } catch (err) {
      problem('changed', `${f.path} cannot be read: ${err.message}`, f.path);
      continue;
    }
    files += 1;
    if (data.length !== f.size || sha256(data) !== f.sha256)
      problem('changed', `${f.path} was changed (its SHA-256 or size differs from the manifest)`, f.path);
    if ((f.path.endsWith('.json') || f.path.endsWith('.jsonl')) && data.length < MAX_TEXT)
      texts.set(f.path, data.toString('utf8'));
  }
  for (const name of byName.keys())
    if (!listed.has(name) && name !== MANIFEST && name !== SIGNATURE)
      problem('extra', `${name} is in the bundle but not in the manifest: it was added`, name);

  try {
    const head = JSON.parse(texts.get('audit/head.json') ?? 'null');
    const rows = texts.get('audit/rows.jsonl');
    if (!head || rows === undefined)
      problem('missing', 'the audit-log slice (audit/rows.jsonl, audit/head.json) is missing');
    else {
      const bySeq = checkAuditSlice(rows, head, manifest.audit, problem, warn);
      const campaigns = JSON.parse(texts.get('provenance/campaigns.json') ?? '[]');
      checkCitations(campaigns, bySeq, problem);
    }
    const calls = (texts.get('calls.jsonl') ?? '')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    const dnc = JSON.parse(texts.get('provenance/dnc.json') ?? '{"current":0,"numbers":{}}');
    checkCalls(calls, dnc, new Set(byName.keys()), problem, warn);
  } catch (err) {
    problem('content', `the bundle's records cannot be read: ${err.message}`);
  }
  if ((texts.get('audit/rows.jsonl') ?? '').includes('"hmac-sha256"'))
    warn(
      "audit rows are keyed (HMAC) with the install's secret key: their content is checked here through the signed manifest and the hash links, their MACs only by `calldeck audit verify` on the install",
    );
  return result();
}

/** The audit-log slice a bundle holds (rows in order), e.g. to compare it with the install's own log. */
export function bundleAuditRows(file) {
  const zip = openZip(file);
  const entry = zip.entries.find((e) => e.name === 'audit/rows.jsonl');
  if (!entry) return [];
  return zip
    .read(entry)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

function main(argv) {
  const args = argv.slice(2);
  const json = args.includes('--json');
  const k = args.indexOf('--key');
  const expectKey = k >= 0 ? args[k + 1] : undefined;
  const file = args.find((a, i) => !a.startsWith('--') && (k < 0 || i !== k + 1));
  if (!file || (k >= 0 && !expectKey)) {
    process.stderr.write('usage: node verify.mjs BUNDLE.zip [--json] [--key FINGERPRINT]\n');
    return 2;
  }
  const r = verifyBundle(file, { expectKey });
  if (json) process.stdout.write(JSON.stringify(r) + '\n');
  else {
    if (r.ok) process.stdout.write(`Bundle OK: ${r.files} files match the signed manifest\n`);
    else {
      process.stdout.write(`Bundle FAILED: ${r.problems[0].message}\n`);
      for (const p of r.problems.slice(1)) process.stdout.write(`  also: ${p.message}\n`);
    }
    if (r.fingerprint)
      process.stdout.write(
        `Signed by key ${r.fingerprint}${expectKey ? '' : ' (compare it with the one CallDeck showed at export, or pass --key)'}\n`,
      );
    for (const w of r.warnings) process.stdout.write(`note: ${w}\n`);
  }
  // As `calldeck audit verify-bundle`: 1 names what changed, 2 when the file cannot be checked at all.
  return r.ok ? 0 : r.problems.some((p) => p.code === 'zip') ? 2 : 1;
}

/**
 * Run as a script (not imported)? Compared as real paths: Node resolves symlinks for the module URL
 * but not in argv (macOS's /tmp is one), and a check that silently skipped would exit 0 unchecked.
 */
function isMain() {
  try {
    return (
      Boolean(process.argv[1]) &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isMain()) process.exitCode = main(process.argv);
