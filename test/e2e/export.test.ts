import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import { pipeline } from 'node:stream/promises';
import type { Browser, Page } from 'playwright-core';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/store';
import { withCliCore } from '../../src/main/server/cli-core';
import { artifactPath, launchChromium } from '../helpers/browser';
import { audioDuration } from './helpers/audio';
import { seedCampaignCalls, seedList } from '../helpers/export-seed';
import { runCli, startServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';
import { readXlsx } from '../integration/reports/export-rig';

// A campaign exported from the Campaigns page as an operator does it: pick the format, Export, the
// job in the Jobs tray, the download; the downloaded workbook read back against the database.

/** Every entry of a zip written under `dir`. */
async function unzip(file: string, dir: string): Promise<void> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, strictFileNames: true });
  try {
    for await (const e of zip.eachEntry()) {
      if (e.fileName.endsWith('/')) continue;
      const dest = path.join(dir, ...e.fileName.split('/'));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(e), fs.createWriteStream(dest));
    }
  } finally {
    zip.close();
  }
}

describe('Export from the Campaigns page in Chromium', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let dir: string;
  let cleanup = () => {};
  let durations: (number | null)[] = [];

  beforeAll(async () => {
    const tmp = makeTempDir('calldeck-e2e-export-');
    ({ dir, cleanup } = tmp);
    // The folder as the app leaves it, with a finished campaign's calls seeded in.
    const dbFile = await withCliCore(dir, (core) => core.info.databasePath);
    const db = openDatabase(dbFile);
    seedCampaignCalls(db, {
      campaignId: 'camp-e2e',
      campaignName: 'March renewals',
      listId: seedList(db, 'March'),
      calls: 120,
      // Real WAV files, so the HTML report's players have something to play.
      recordingsDir: path.join(dir, 'recordings'),
    });
    durations = db
      .prepare<[], { d: number | null }>(
        "SELECT duration_sec AS d FROM call_attempts WHERE campaign_id = 'camp-e2e' ORDER BY created_at, rowid",
      )
      .all()
      .map((r) => r.d);
    db.close();
    serve = await startServe(['--data', dir, '--port', '0']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    cleanup();
  });

  it('exports the selected campaign as XLSX: the job in the tray, a download with every call', async () => {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 1000 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('button', { name: 'March renewals' }).click();

    const control = page.getByRole('group', { name: 'Export campaign March renewals' });
    await control.getByRole('combobox').selectOption('xlsx');
    await control.getByRole('button', { name: 'Export' }).click();
    const link = control.getByRole('link', { name: /^Download calldeck-campaign-camp-e2e-.*\.xlsx$/ });
    await link.waitFor({ timeout: 30_000 });

    // The Jobs tray lists it as done, with the same download.
    await page.getByRole('button', { name: /^Jobs/ }).click();
    const panel = page.getByRole('region', { name: 'Jobs' });
    const finished = panel.getByTestId('job-finished').first();
    await expect.poll(() => finished.textContent()).toContain('Export XLSX: campaign:camp-e2e');
    expect(await finished.textContent()).toMatch(
      /Done · [\d,]+ calls, [\d,]+ transcript lines, 0 QA verdicts → calldeck-campaign-camp-e2e-/,
    );
    expect(await panel.getByRole('link', { name: /^Download calldeck-campaign-camp-e2e/ }).count()).toBe(1);
    await page.screenshot({ path: artifactPath('export-campaign.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = path.join(dir, 'downloaded.xlsx');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^calldeck-campaign-camp-e2e-\d{8}T\d{4}Z\.xlsx$/);
    const sheets = readXlsx(file);
    expect(Object.keys(sheets)).toEqual(['Calls', 'Turns', 'QA verdicts', 'Summary']);
    const calls = sheets.Calls!;
    const durationCol = calls[0]!.indexOf('Duration (s)');
    expect(calls.slice(1).map((r) => r[durationCol])).toEqual(durations);
    expect(fs.statSync(file).size).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  /** Exports the campaign in `format` from its panel and saves the download into the data folder's parent. */
  async function exportFromPage(page: Page, format: string, extension: string): Promise<string> {
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('button', { name: 'March renewals' }).click();
    const control = page.getByRole('group', { name: 'Export campaign March renewals' });
    await control.getByRole('combobox').selectOption(format);
    await control.getByRole('button', { name: 'Export' }).click();
    const link = control.getByRole('link', {
      name: new RegExp(`^Download calldeck-campaign-camp-e2e-.*\\.${extension}$`),
    });
    await link.waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = path.join(dir, `downloaded.${extension}`);
    await download.saveAs(file);
    return file;
  }

  it('exports the HTML report: downloaded, it opens from disk with nothing fetched and its players play', async () => {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 1000 },
    });
    const file = await exportFromPage(await context.newPage(), 'html', 'html');
    const requests: string[] = [];
    context.on('request', (r) => {
      if (!r.url().startsWith('data:') && !r.url().startsWith('file:')) requests.push(r.url());
    });
    const report = await context.newPage();
    await report.goto(pathToFileURL(file).href);
    expect(await report.locator('table.calls tbody tr [data-col="Duration (s)"]').allTextContents()).toEqual(
      durations.map((d) => (d === null ? '' : String(d))),
    );
    const players = report.locator('audio');
    expect(await players.count()).toBe(durations.filter((d) => d !== null).length);
    expect(await audioDuration(players.first())).toBeGreaterThan(0.4);
    await report.screenshot({ path: artifactPath('export-html-report.png') });
    expect(requests).toEqual([]);
    await context.close();
  });

  it('exports the PDF report (printed by Chromium on this machine)', async () => {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 1000 },
    });
    const file = await exportFromPage(await context.newPage(), 'pdf', 'pdf');
    expect((await PDFDocument.load(fs.readFileSync(file))).getPageCount()).toBeGreaterThan(1);
    await context.close();
  });

  it('a date range that ends before it starts is refused on the page, saying so, before any export', async () => {
    const page = await browser.newPage();
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Calls' }).click();
    const range = page.getByRole('region', { name: 'Export calls by date' });
    await range.getByRole('textbox', { name: 'From' }).fill('2026-11-27');
    await range.getByRole('textbox', { name: 'To' }).fill('2026-11-25');
    await expect
      .poll(() => range.getByRole('alert').textContent())
      .toBe('“To” (2026-11-25) is before “From” (2026-11-27): pick an end date on or after the start.');
    expect(await range.getByRole('button', { name: 'Export' }).isDisabled()).toBe(true);
    await page.screenshot({ path: artifactPath('export-range-backwards.png') });
    // The same day at both ends is a whole day: allowed.
    await range.getByRole('textbox', { name: 'To' }).fill('2026-11-27');
    expect(await range.getByRole('alert').count()).toBe(0);
    expect(await range.getByRole('button', { name: 'Export' }).isDisabled()).toBe(false);
    await page.close();
  });

  it('exports an audit bundle: the signing key shown beside the download, the download verifies with it', async () => {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 1000 },
    });
    const page = await context.newPage();
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('button', { name: 'March renewals' }).click();
    const control = page.getByRole('group', { name: 'Export campaign March renewals' });
    await control.getByRole('combobox').selectOption('bundle');
    await control.getByRole('button', { name: 'Export' }).click();
    const link = control.getByRole('link', { name: /^Download calldeck-campaign-camp-e2e-.*\.zip$/ });
    await link.waitFor({ timeout: 60_000 });
    const key = (await control.getByTestId('signing-key').textContent()) ?? '';
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: artifactPath('export-bundle.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = path.join(dir, 'downloaded-bundle.zip');
    await download.saveAs(file);
    // The built CLI, as an auditor's machine runs it: no data folder, the key pinned.
    const checked = await runCli(['audit', 'verify-bundle', file, '--key', key]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/^Bundle OK: \d+ files match the signed manifest\n/);
    expect((await runCli(['audit', 'verify-bundle', file, '--key', '0'.repeat(64)])).code).toBe(1);

    // Unzipped, its HTML report plays the bundle's own copies of the recordings (nothing embedded).
    const unzipped = path.join(dir, 'bundle');
    await unzip(file, unzipped);
    const requests: string[] = [];
    context.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const report = await context.newPage();
    await report.goto(pathToFileURL(path.join(unzipped, 'report', 'report.html')).href);
    const players = report.locator('audio');
    expect(await players.count()).toBe(durations.filter((d) => d !== null).length);
    for (const src of await players.evaluateAll((els) => els.map((e) => e.getAttribute('src') ?? '')))
      expect(src).toMatch(/^\.\.\/recordings\//);
    expect(await audioDuration(players.last())).toBeGreaterThan(0.4);
    expect(requests).toEqual([]);
    await context.close();
  });
});
