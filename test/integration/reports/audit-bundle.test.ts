import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, verifyAuditChain } from '../../../src/main/core';
import { findBundleVerifier } from '../../../src/main/core/reports';
import { runVerifyBundleCommand } from '../../../src/main/server/commands/audit-bundle';
import type { AuditPage } from '../../../src/shared/audit';
import type { ExportResult } from '../../../src/shared/reports';
import { ok } from '../../helpers/api-wait';
import { makeTempDir } from '../../helpers/temp-dir';
import * as XLSX from 'xlsx';
import {
  NUMBERS,
  readZip,
  exportCampaign,
  exportCampaignBundle,
  runSandboxCampaign,
  writeZip,
  type SandboxCampaign,
  type ZipEntry,
} from './bundle-rig';

// An audit bundle of a real sandbox campaign, exported as the app exports it (reports.export, a
// job), checked the two ways an auditor can: `calldeck audit verify-bundle` (no data folder) and
// the bundle's own verify.mjs run by plain Node with no dependencies, alone in a folder.

const exec = promisify(execFile);
let campaign: SandboxCampaign;
let tmp: { dir: string; cleanup: () => void };
let bundle: string;
let entries: ZipEntry[];
let verifyMjs: string;
let result: ExportResult;

beforeAll(async () => {
  campaign = await runSandboxCampaign();
  tmp = makeTempDir('calldeck-bundle-');
  bundle = path.join(tmp.dir, 'bundle.zip');
  result = await exportCampaignBundle(campaign, bundle);
  entries = await readZip(bundle);
  // The auditor's copy of verify.mjs, alone in a folder outside the repository (no node_modules),
  // run through a symlinked path as on macOS (/tmp -> /private/tmp): it must still run its checks.
  fs.mkdirSync(path.join(tmp.dir, 'auditor-real'));
  fs.symlinkSync(path.join(tmp.dir, 'auditor-real'), path.join(tmp.dir, 'auditor'));
  verifyMjs = path.join(tmp.dir, 'auditor', 'verify.mjs');
  fs.writeFileSync(verifyMjs, entries.find((e) => e.name === 'verify.mjs')!.data);
}, 120_000);

afterAll(async () => {
  await campaign?.cleanup();
  tmp?.cleanup();
});

interface CliOut {
  ok: boolean;
  problems: { code: string; path?: string; message: string }[];
}

/** `calldeck audit verify-bundle FILE --json`, in-process. */
async function cli(file: string): Promise<{ code: number; out: CliOut }> {
  const lines: string[] = [];
  const code = await runVerifyBundleCommand(file, { json: true }, (l) => lines.push(l));
  return { code, out: JSON.parse(lines[0]!) as CliOut };
}

async function standalone(file: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await exec(process.execPath, [verifyMjs, file, ...args], {
      cwd: path.dirname(verifyMjs),
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

const tampered = async (name: string, change: (entries: ZipEntry[]) => ZipEntry[]): Promise<string> => {
  const file = path.join(tmp.dir, `${name}.zip`);
  await writeZip(file, change(entries.map((e) => ({ ...e, data: Buffer.from(e.data) }))));
  return file;
};

const text = (name: string) => entries.find((e) => e.name === name)!.data.toString('utf8');

describe('an audit bundle of a sandbox campaign', () => {
  it('holds the report, recordings byte for byte, transcripts, the audit slice and provenance, and verifies', async () => {
    const names = entries.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'README.txt',
        'verify.mjs',
        'report/report.xlsx',
        'report/report.csv.zip',
        'calls.jsonl',
        'audit/rows.jsonl',
        'audit/head.json',
        'provenance/lists.json',
        'provenance/dnc.json',
        'provenance/campaigns.json',
        'manifest.json',
        'manifest.sig',
      ]),
    );
    // The recordings are copies of the files the voicebot wrote, byte for byte.
    const calls = text('calls.jsonl')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            attemptId: string;
            number: string;
            dncVersion: number;
            recordings: { channel: string; path: string }[];
            transcript: string | null;
          },
      );
    const db = openDatabase(path.join(campaign.dir, 'calldeck.sqlite'));
    try {
      const originals = db
        .prepare<[], { attempt_id: string; caller: string | null; bot: string | null; mix: string | null }>(
          'SELECT attempt_id, caller_wav AS caller, bot_wav AS bot, mix_wav AS mix FROM voicebot_sessions',
        )
        .all();
      expect(originals.length).toBeGreaterThanOrEqual(2);
      let compared = 0;
      for (const o of originals) {
        const call = calls.find((c) => c.attemptId === o.attempt_id)!;
        for (const channel of ['caller', 'bot', 'mix'] as const) {
          const original = o[channel];
          if (original === null) continue;
          const inBundle = call.recordings.find((r) => r.channel === channel);
          expect(inBundle, `${original} in the bundle`).toBeDefined();
          const copy = entries.find((e) => e.name === inBundle!.path)!.data;
          expect(copy.equals(fs.readFileSync(original))).toBe(true);
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(4);
      // Every call carries the Do-Not-Call version it was checked against (1: the number added first).
      expect(calls.map((c) => c.dncVersion)).toEqual(calls.map(() => 1));
      expect(calls.map((c) => c.number)).not.toContain(NUMBERS.dnc);
    } finally {
      db.close();
    }
    // The HTML report plays the bundle's own copies (relative links from report/), embedding none.
    const html = text('report/report.html');
    expect(html).not.toContain('data:audio');
    const srcs = [...html.matchAll(/<audio [^>]*src="([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));
    expect(srcs.length).toBeGreaterThanOrEqual(2);
    const copied = new Set(calls.flatMap((c) => c.recordings.map((r) => r.path)));
    for (const src of srcs) {
      expect(src.startsWith('../recordings/')).toBe(true);
      const entry = path.posix.normalize(path.posix.join('report', src));
      expect(copied.has(entry)).toBe(true);
      expect(names).toContain(entry);
    }
    const wavBytes = entries
      .filter((e) => e.name.startsWith('recordings/'))
      .reduce((n, e) => n + e.data.length, 0);
    expect(Buffer.byteLength(html)).toBeLessThan(wavBytes);
    const talkers = calls.filter((c) => c.number === NUMBERS.talk1 || c.number === NUMBERS.talk2);
    for (const c of talkers) expect(text(c.transcript!)).toMatch(/caller: yes/);
    const lists = JSON.parse(text('provenance/lists.json')) as {
      fileName: string;
      fileSha256: string;
      importedBy: string;
    }[];
    expect(lists).toEqual([expect.objectContaining({ fileName: 'march.csv', importedBy: 'tester' })]);
    expect(lists[0]!.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    const [history] = JSON.parse(text('provenance/campaigns.json')) as {
      history: { action: string }[];
      notDialled: { number: string; reason: string }[];
    }[];
    expect(history!.history.map((h) => h.action)).toEqual(
      expect.arrayContaining(['campaigns.create', 'campaigns.start', 'campaigns.complete']),
    );
    // Who was not called, and why: the listed number, with the register's change that listed it.
    expect(history!.notDialled).toEqual([expect.objectContaining({ number: NUMBERS.dnc, reason: 'dnc' })]);
    const dnc = JSON.parse(text('provenance/dnc.json')) as { numbers: Record<string, unknown[]> };
    expect(dnc.numbers[NUMBERS.dnc]).toEqual([{ version: 1, op: 'add' }]);

    // The signing key's fingerprint: in the manifest, the job's result and both audit rows of the
    // export; the start row is also in the bundle's own slice.
    const { signing } = JSON.parse(text('manifest.json')) as { signing: { fingerprint: string } };
    expect(result.signingKey).toBe(signing.fingerprint);
    const exportRows = ok<AuditPage>(await campaign.core.invoke('audit.list', { limit: 50 })).entries.filter(
      (e) => e.action === 'reports.export',
    );
    expect(exportRows.map((e) => (JSON.parse(e.payload) as { signingKey?: string }).signingKey)).toEqual([
      signing.fingerprint,
      signing.fingerprint,
    ]);
    const sliceRows = text('audit/rows.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action?: string; payload?: string });
    expect(
      sliceRows.filter((r) => r.action === 'reports.export').map((r) => JSON.parse(r.payload!) as unknown),
    ).toEqual([expect.objectContaining({ outcome: 'started', signingKey: signing.fingerprint })]);

    expect(await cli(bundle)).toMatchObject({ code: 0, out: { ok: true, problems: [] } });
    const alone = await standalone(bundle);
    expect(alone).toMatchObject({ code: 0 });
    expect(alone.stdout).toMatch(/^Bundle OK: \d+ files match the signed manifest/);
  });

  it("names recordings by their paths in the bundle or the data folder, never the machine's", async () => {
    // The bundle's own spreadsheet: each recording by its copy's path, as calls.jsonl lists it.
    const jsonl = text('calls.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { attemptId: string; recordings: { channel: string; path: string }[] });
    const sheet = (bytes: Buffer) =>
      XLSX.utils.sheet_to_json<Record<string, unknown>>(XLSX.read(bytes).Sheets.Calls!, { defval: null });
    const inBundle = sheet(entries.find((e) => e.name === 'report/report.xlsx')!.data);
    const bundled = jsonl.filter((c) => c.recordings.length > 0);
    expect(bundled.length).toBeGreaterThanOrEqual(2);
    for (const c of bundled) {
      const row = inBundle.find((r) => r['Attempt id'] === c.attemptId)!;
      expect(row['Recordings (paths in this bundle)']).toBe(
        c.recordings.map((r) => `${r.channel}: ${r.path}`).join('; '),
      );
    }
    // A plain export: paths relative to the data folder, which it names nowhere.
    const xlsx = path.join(tmp.dir, 'plain.xlsx');
    await exportCampaign(campaign, 'xlsx', xlsx);
    const plain = sheet(fs.readFileSync(xlsx));
    const db = openDatabase(path.join(campaign.dir, 'calldeck.sqlite'));
    try {
      for (const c of bundled) {
        const stored = db
          .prepare<[string], { caller: string; bot: string; mix: string | null }>(
            'SELECT caller_wav AS caller, bot_wav AS bot, mix_wav AS mix FROM voicebot_sessions WHERE attempt_id = ?',
          )
          .get(c.attemptId)!;
        const rel = (p: string) => path.relative(campaign.dir, p).split(path.sep).join('/');
        const expected = (['caller', 'bot', 'mix'] as const)
          .flatMap((ch) => (stored[ch] ? [`${ch}: ${rel(stored[ch])}`] : []))
          .join('; ');
        expect(expected).toMatch(/^caller: recordings\//);
        expect(
          plain.find((r) => r['Attempt id'] === c.attemptId)!['Recordings (paths in the data folder)'],
        ).toBe(expected);
      }
    } finally {
      db.close();
    }
    const zipped = (await readZip(xlsx)).map((e) => e.data.toString('utf8')).join('');
    expect(zipped).not.toContain(campaign.dir);
  });

  it("says how each call ended in the carrier's words: completed calls too", () => {
    const calls = XLSX.utils.sheet_to_json<Record<string, unknown>>(
      XLSX.read(entries.find((e) => e.name === 'report/report.xlsx')!.data).Sheets.Calls!,
      { defval: null },
    );
    const byNumber = (n: string) => calls.find((r) => r.Number === n)!;
    for (const n of [NUMBERS.talk1, NUMBERS.talk2])
      expect(byNumber(n)).toMatchObject({ State: 'completed', 'Carrier status': 'completed' });
    expect(byNumber(NUMBERS.busy)).toMatchObject({ State: 'busy', 'Carrier status': 'busy' });
  });

  it('fails both verifiers, naming the file, when any byte of any file changes', async () => {
    const originalVerifier = findBundleVerifier();
    expect(entries.length).toBeGreaterThan(12);
    for (const [i, entry] of entries.entries()) {
      const file = await tampered(`byte-${i}`, (all) => {
        const e = all[i]!;
        const at = Math.floor(e.data.length / 2);
        e.data[at] = e.data[at]! ^ 0x20;
        return all;
      });
      const { code, out } = await cli(file);
      expect(code, entry.name).toBe(1);
      const named = out.problems.find(
        (p) => p.path === entry.name || (entry.name === 'manifest.sig' && p.code === 'signature'),
      );
      expect(named, `${entry.name}: ${JSON.stringify(out.problems)}`).toBeDefined();
      // The standalone script (the auditor's trusted copy) fails too, naming the same file first or among its lines.
      const alone = await standalone(file);
      expect(alone.code, entry.name).toBe(1);
      expect(alone.stdout).toMatch(
        entry.name === 'manifest.sig' ? /signature/ : new RegExp(entry.name.replace(/[.*]/g, '\\$&')),
      );
    }
    expect(originalVerifier).toMatch(/verify\.mjs$/);
  }, 120_000);

  it('names a deleted recording, deleted newest audit rows, a rewritten manifest and an added file', async () => {
    const recording = entries.find((e) => e.name.startsWith('recordings/'))!.name;
    const noRecording = await tampered('no-recording', (all) => all.filter((e) => e.name !== recording));
    const r1 = await cli(noRecording);
    expect(r1.code).toBe(1);
    expect(r1.out.problems[0]).toMatchObject({ code: 'missing', path: recording });
    expect((await standalone(noRecording)).stdout).toContain(`${recording} is missing from the bundle`);

    const rows = text('audit/rows.jsonl').trim().split('\n');
    const truncated = await tampered('truncated', (all) =>
      all.map((e) =>
        e.name === 'audit/rows.jsonl' ? { ...e, data: Buffer.from(rows.slice(0, -2).join('\n') + '\n') } : e,
      ),
    );
    const r2 = await cli(truncated);
    expect(r2.code).toBe(1);
    expect(r2.out.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'audit/rows.jsonl was changed (its SHA-256 or size differs from the manifest)',
        expect.stringMatching(
          /^audit\/rows\.jsonl ends at row \d+ but the bundle covers rows up to \d+: the newest 2 row\(s\) were deleted$/,
        ),
      ]),
    );
    expect((await standalone(truncated)).stdout).toMatch(/the newest 2 row\(s\) were deleted/);

    // Rewriting the manifest to match the truncated slice does not help: its signature no longer holds.
    const manifest = JSON.parse(text('manifest.json')) as {
      files: { path: string; size: number; sha256: string }[];
      audit: { toSeq: number };
    };
    const sliced = Buffer.from(rows.slice(0, -2).join('\n') + '\n');
    const { createHash } = await import('node:crypto');
    manifest.audit.toSeq -= 2;
    for (const f of manifest.files)
      if (f.path === 'audit/rows.jsonl')
        Object.assign(f, { size: sliced.length, sha256: createHash('sha256').update(sliced).digest('hex') });
    const rewritten = await tampered('rewritten', (all) =>
      all.map((e) =>
        e.name === 'audit/rows.jsonl'
          ? { ...e, data: sliced }
          : e.name === 'manifest.json'
            ? { ...e, data: Buffer.from(JSON.stringify(manifest, null, 1) + '\n') }
            : e,
      ),
    );
    const r3 = await cli(rewritten);
    expect(r3.code).toBe(1);
    expect(r3.out.problems[0]).toMatchObject({ code: 'signature', path: 'manifest.json' });
    expect((await standalone(rewritten)).stdout).toMatch(
      /^Bundle FAILED: the manifest's signature is not valid/,
    );

    const extra = await tampered('extra', (all) => [
      ...all,
      { name: 'recordings/extra.wav', data: Buffer.from('RIFF') },
    ]);
    const r4 = await cli(extra);
    expect(r4.out.problems).toEqual([
      expect.objectContaining({ code: 'extra', path: 'recordings/extra.wav' }),
    ]);
    expect((await standalone(extra)).code).toBe(1);
  }, 60_000);

  it('with --data, catches rows deleted from the install after the bundle, even under a forged head file', async () => {
    const withData = async () => {
      const lines: string[] = [];
      const code = await runVerifyBundleCommand(bundle, { json: true, data: campaign.dir }, (l) =>
        lines.push(l),
      );
      return { code, out: JSON.parse(lines[0]!) as CliOut };
    };
    expect(await withData()).toMatchObject({ code: 0, out: { ok: true } });

    // Someone with the database deletes the newest rows the bundle holds and writes a head file for
    // the shorter chain. Without the audit key (this host's secrets file has none) the log alone
    // reads as intact; the signed bundle still remembers the rows.
    const toSeq = (JSON.parse(text('manifest.json')) as { audit: { toSeq: number } }).audit.toSeq;
    const db = openDatabase(path.join(campaign.dir, 'calldeck.sqlite'));
    try {
      db.prepare('DELETE FROM audit_log WHERE seq >= ?').run(toSeq - 1);
      const head = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as {
        seq: number;
        hash: string;
      };
      const forged = {
        version: 1,
        rows: head.seq,
        headHash: head.hash,
        legacyRows: 0,
        at: new Date().toISOString(),
      };
      fs.writeFileSync(
        path.join(campaign.dir, 'calldeck.audit-head.json'),
        JSON.stringify({ ...forged, mac: '0'.repeat(64) }),
      );
    } finally {
      db.close();
    }
    expect(verifyAuditChain(campaign.dir, undefined).ok).toBe(true);
    const { code, out } = await withData();
    expect(code).toBe(1);
    const { signing } = JSON.parse(text('manifest.json')) as { signing: { fingerprint: string } };
    expect(out.problems).toEqual([
      {
        code: 'install',
        message: `this install's audit log ends at row ${toSeq - 2} but the bundle holds rows up to ${toSeq}: rows were deleted after the bundle was made`,
      },
      {
        // The export's own rows were among those deleted.
        code: 'install',
        message: `no export in this install's audit log was signed with key ${signing.fingerprint}: the bundle was signed elsewhere, or that row was deleted`,
      },
    ]);
  });

  it('exits 2 from both verifiers for a file that is not a readable zip, as the README says', async () => {
    const junk = path.join(tmp.dir, 'not-a-bundle.zip');
    fs.writeFileSync(junk, 'not a zip at all');
    const alone = await standalone(junk);
    expect(alone).toMatchObject({ code: 2 });
    expect(alone.stdout).toMatch(/^Bundle FAILED: cannot read the bundle/);
    expect((await cli(junk)).code).toBe(2);
    expect(text('README.txt')).toContain('2 when the file\ncannot be checked at all');
  });

  it('pins the signing key: a bundle re-signed by another key fails with --key', async () => {
    const manifest = JSON.parse(text('manifest.json')) as { signing: { fingerprint: string } };
    expect((await standalone(bundle, '--key', manifest.signing.fingerprint)).code).toBe(0);
    const other = '0'.repeat(64);
    const lines: string[] = [];
    expect(await runVerifyBundleCommand(bundle, { key: other }, (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toBe(
      `Bundle FAILED: signed with key ${manifest.signing.fingerprint}, not the expected ${other}: it was re-signed by someone else`,
    );
  });
});
