import { createHash } from 'node:crypto';
import fs from 'node:fs';
import yauzl from 'yauzl';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/core';
import { withCliCore } from '../../../src/main/server/cli-core';
import { runExportCommand } from '../../../src/main/server/commands/export';
import { main } from '../../../src/main/server/program';
import { seedCampaignCalls, seedList } from '../../helpers/export-seed';
import { makeTempDir } from '../../helpers/temp-dir';
import { ok, untilAsync } from '../../helpers/api-wait';
import type { JobInfo } from '../../../src/shared/jobs';
import type { ExportResult } from '../../../src/shared/reports';

/** Every file entry of a zip held in memory, by name. */
async function zipEntries(zip: Buffer): Promise<Map<string, Buffer>> {
  const z = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  try {
    for await (const e of z.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const c of await z.openReadStreamPromise(e)) chunks.push(c as Buffer);
      out.set(e.fileName, Buffer.concat(chunks));
    }
  } finally {
    z.close();
  }
  return out;
}

/** `calldeck export --format html|pdf` on a real data folder: the registered writers, end to end. */

const tmp = makeTempDir('calldeck-export-html-');
const data = path.join(tmp.dir, 'data');
const CALLS = 12;
beforeAll(async () => {
  const dbFile = await withCliCore(data, (core) => core.info.databasePath);
  const db = openDatabase(dbFile);
  seedCampaignCalls(db, {
    campaignId: 'c1',
    listId: seedList(db, 'March'),
    calls: CALLS,
    recordingsDir: path.join(data, 'recordings'),
    name: (i) => (i === 0 ? '<script>alert(1)</script>Asha' : `Customer ${i}`),
  });
  db.close();
});
afterAll(() => tmp.cleanup());

describe('calldeck export --format html | pdf', () => {
  it('writes the self-contained HTML report to --out, recordings embedded', async () => {
    const out = path.join(tmp.dir, 'report.html');
    await main([
      'node',
      'calldeck',
      'export',
      '--campaign',
      'c1',
      '--format',
      'html',
      '--out',
      out,
      '--data',
      data,
    ]);
    expect(process.exitCode ?? 0).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;Asha');
    expect(html.match(/<section class="call"/g)).toHaveLength(CALLS);
    // The carrier's price where it settled (the seed leaves 2 of the 12 unsettled: no Price there).
    expect(html).toContain('<dt>Price</dt><dd>0.50</dd>');
    expect(html).toContain('<dt>Price</dt><dd>0.00</dd>');
    expect(html.match(/<dt>Price<\/dt>/g)).toHaveLength(CALLS - 2);
    // Every answered call's mix is embedded: the file stands alone.
    const answered = (html.match(/<audio /g) ?? []).length;
    expect(answered).toBeGreaterThan(0);
    expect((html.match(/src="data:audio\/wav;base64,/g) ?? []).length).toBe(answered);
    // Every folder the report names is there beside it (all embedded: it names none).
    for (const [, folder] of html.matchAll(/([\w.-]+_files)\//g))
      expect(fs.existsSync(path.join(tmp.dir, folder!)), `${folder} named in the report`).toBe(true);
  });

  it('--audio folder: the recordings go into a folder beside --out, named after it, that the report links to', async () => {
    const out = path.join(tmp.dir, 'folder', 'report.html');
    fs.mkdirSync(path.dirname(out));
    const r = await runExportCommand(
      { campaign: 'c1', format: 'html', audio: 'folder', out, data },
      () => {},
    );
    // Named after the file asked for (not the job's internal id).
    expect(r.filesDir).toBe('report_files');
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['report.html', 'report_files']);
    const html = fs.readFileSync(out, 'utf8');
    const srcs = [...html.matchAll(/<audio [^>]*src="([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));
    expect(srcs.length).toBeGreaterThan(0);
    for (const src of srcs) {
      expect(src.startsWith(`${r.filesDir}/`)).toBe(true);
      // Each link resolves beside the copied report to a WAV file.
      expect(
        fs
          .readFileSync(path.join(path.dirname(out), src))
          .subarray(0, 4)
          .toString(),
      ).toBe('RIFF');
    }
    expect(fs.readdirSync(path.join(path.dirname(out), r.filesDir!))).toHaveLength(srcs.length);
    // Nothing is left loose in the data folder's exports/: the recordings travelled inside the zip.
    expect(fs.readdirSync(path.join(data, 'exports')).filter((n) => n.endsWith('_files'))).toEqual([]);

    // A folder of that name already beside --out (here holding a link named like a recording, to a
    // file elsewhere): refused before any export, nothing written into it or through the link.
    const again = path.join(tmp.dir, 'again', 'report.html');
    const planted = path.join(path.dirname(again), 'report_files');
    fs.mkdirSync(planted, { recursive: true });
    const victim = path.join(tmp.dir, 'victim.txt');
    fs.writeFileSync(victim, 'keep me');
    const name = fs.readdirSync(path.join(path.dirname(out), r.filesDir!))[0]!;
    fs.symlinkSync(victim, path.join(planted, name));
    await expect(
      runExportCommand({ campaign: 'c1', format: 'html', audio: 'folder', out: again, data }, () => {}),
    ).rejects.toThrow(/report_files already exists/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(fs.existsSync(again)).toBe(false);
  });

  it('the page downloads an HTML report with a recordings folder as one zip: the report and the folder it links to', async () => {
    const { result, zip, mime, leftovers } = await withCliCore(data, async (core) => {
      const { jobId } = ok<{ jobId: string }>(
        await core.invoke('reports.export', {
          scope: { kind: 'campaign', campaignId: 'c1' },
          format: 'html',
          audio: 'folder',
        }),
      );
      const job = await untilAsync(async () => {
        const j = ok<JobInfo>(await core.invoke('jobs.get', { jobId }));
        return j.state === 'running' ? undefined : j;
      });
      expect(job.state).toBe('succeeded');
      const result = job.result as ExportResult;
      const res = await core.serveArtifact({ id: result.artifactId });
      const chunks: Buffer[] = [];
      for await (const c of res.body!) chunks.push(c as Buffer);
      const exportsDir = path.join(data, 'exports');
      const leftovers = fs
        .readdirSync(exportsDir)
        .filter((n) => n.includes('.part') || fs.statSync(path.join(exportsDir, n)).isDirectory());
      return {
        result,
        zip: Buffer.concat(chunks),
        mime: res.headers['content-type'] ?? res.headers['Content-Type'],
        leftovers,
      };
    });
    expect(result.name).toMatch(/\.zip$/);
    expect(result.report).toMatch(/\.html$/);
    expect(mime).toBe('application/zip');
    // Nothing half-made or loose in exports/: no part file, no recordings folder.
    expect(leftovers).toEqual([]);
    expect(createHash('sha256').update(zip).digest('hex')).toBe(result.sha256);
    const entries = await zipEntries(zip);
    const html = entries.get(result.report!)!.toString('utf8');
    expect(html.match(/<section class="call"/g)).toHaveLength(CALLS);
    const srcs = [...html.matchAll(/<audio [^>]*src="([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));
    expect(srcs.length).toBeGreaterThan(0);
    // Every link names an entry of the zip, a WAV; the zip holds nothing else.
    for (const src of srcs) expect(entries.get(src)?.subarray(0, 4).toString()).toBe('RIFF');
    expect([...entries.keys()].sort()).toEqual([result.report!, ...srcs].sort());
    expect(srcs.every((s) => s.startsWith(`${result.filesDir}/`))).toBe(true);
    // The folder is named after the report in the download: calldeck-campaign-c1-<time>_files.
    expect(result.filesDir).toBe(`${path.basename(result.report!, '.html')}_files`);
    expect(result.report).toMatch(/^calldeck-campaign-c1-\d{8}T\d{4}Z\.html$/);
  });

  it('writes the PDF with Chromium', async () => {
    const out = path.join(tmp.dir, 'report.pdf');
    const r = await runExportCommand({ campaign: 'c1', format: 'pdf', out, data }, () => {});
    expect(r.format).toBe('pdf');
    const pdf = await PDFDocument.load(fs.readFileSync(out));
    expect(pdf.getPageCount()).toBeGreaterThan(0);
  });

  it('names what to install when there is no Chromium (its own message, no internal-error prefix), and leaves no file', async () => {
    const out = path.join(tmp.dir, 'none.pdf');
    const saved = process.env.CHROME_PATH;
    process.env.CHROME_PATH = path.join(tmp.dir, 'missing-chromium');
    try {
      await expect(runExportCommand({ campaign: 'c1', format: 'pdf', out, data }, () => {})).rejects.toThrow(
        /Export failed: CHROME_PATH names .*missing-chromium, which is not an executable file\. Install Chromium \(Debian\/Ubuntu: `sudo apt-get install chromium`/,
      );
    } finally {
      if (saved === undefined) delete process.env.CHROME_PATH;
      else process.env.CHROME_PATH = saved;
    }
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(path.join(data, 'exports')).filter((f) => f.includes('.print.html'))).toEqual([]);
  });
});
