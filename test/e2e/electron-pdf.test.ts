import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/store';
import { seedCampaignCalls, seedList } from '../helpers/export-seed';
import { makeTempDir } from '../helpers/temp-dir';
import type { PdfResult } from './helpers/fake-electron/reports';
import { bundlePage, resultOf, runShell } from './helpers/fake-electron/run-shell';

// The desktop app's PDF export: the REAL built main bundle registers Electron's printToPDF with the
// core; the page asks for a PDF export; the stand-in electron module's hidden window prints it
// (through real Chromium, as Electron would) and the file comes back through artifact:.

const CAMPAIGN = 'camp-desktop-pdf';

describe('PDF export in the desktop app (Electron printToPDF through the shell hook)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  let result: PdfResult;

  beforeAll(async () => {
    tmp = makeTempDir('calldeck-shell-pdf-');
    dataDir = path.join(tmp.dir, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    const db = openDatabase(path.join(dataDir, 'calldeck.sqlite'));
    seedCampaignCalls(db, { campaignId: CAMPAIGN, listId: seedList(db, 'Desktop list'), calls: 8 });
    db.close();
    const pageBundle = await bundlePage(path.join(tmp.dir, 'page-bundle'));
    const run = await runShell(
      'pdf',
      {
        CALLDECK_DATA: dataDir,
        FAKE_ELECTRON_PAGE_BUNDLE: pageBundle,
        FAKE_ELECTRON_CAMPAIGN: CAMPAIGN,
        // No Chromium for the core to find: the desktop app must not need one.
        CHROME_PATH: path.join(tmp.dir, 'no-chromium-here'),
      },
      90_000,
    );
    result = resultOf<PdfResult>(run);
  });
  afterAll(() => tmp?.cleanup());

  it('exports a PDF the page downloads, printed by the app itself', async () => {
    expect(result.started.ok).toBe(true);
    expect(result.finished).toBe(true);
    expect(result.job).toMatchObject({ state: 'succeeded', error: null });
    expect(result.download).toMatchObject({ status: 200, type: 'application/pdf' });
    const pdf = await PDFDocument.load(Buffer.from(result.download!.body, 'base64'));
    expect(pdf.getPageCount()).toBeGreaterThan(0);
  });

  it('prints in one hidden, sandboxed, offline window that is gone afterwards', () => {
    expect(result.printWindows).toHaveLength(1);
    const [w] = result.printWindows;
    expect(w!.options.show).toBe(false);
    expect(w!.visible).toBe(false);
    expect(w!.options.webPreferences).toMatchObject({
      partition: 'calldeck-pdf',
      sandbox: true,
      nodeIntegration: false,
    });
    expect(w!.options.webPreferences?.preload).toBeUndefined();
    expect(w!.loads).toHaveLength(1);
    expect(w!.loads[0]!.kind).toBe('file');
    // The report's first (here only) printed part.
    expect(w!.loads[0]!.target).toMatch(/\.print[\\/]part-0001\.html$/);
    expect(w!.printed).toEqual([{ printBackground: true, pageSize: 'A4', preferCSSPageSize: true }]);
    expect(w!.blocksHttps).toBe(true);
    expect(w!.allowsFile).toBe(true);
    expect(w!.destroyed).toBe(true);
    // The HTML it printed was removed; the PDF stays as the export's artifact.
    const exportsDir = path.join(dataDir, 'exports');
    const files = fs.readdirSync(exportsDir);
    expect(files.filter((f) => f.endsWith('.html') || f.includes('.print'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.pdf'))).toHaveLength(1);
  });

  it('quits cleanly afterwards', () => {
    expect(result.quit.outcome).toBe('quit');
  });
});
