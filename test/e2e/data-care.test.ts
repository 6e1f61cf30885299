import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from '../helpers/browser';
import { runCli, startServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

const PASSPHRASE = 'ten or more characters';

describe('served app in Chromium: Settings › Data', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let root: string;
  let dataDir: string;
  let cleanup = () => {};

  beforeAll(async () => {
    const tmp = makeTempDir('calldeck-e2e-data-');
    cleanup = tmp.cleanup;
    root = tmp.dir;
    dataDir = path.join(root, 'data');
    serve = await startServe(['--data', dataDir, '--port', '0']);
    const csv = path.join(root, 'march.csv');
    fs.writeFileSync(csv, 'Name,Mobile\nAsha,9800000001\nRavi,9800000002\n');
    expect((await runCli(['import', csv, '--list', 'March', '--data', dataDir])).code).toBe(0);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    cleanup();
  });

  const openSettings = async (): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Data', level: 2, exact: true }).waitFor();
    return page;
  };
  const card = (page: Page, title: string) =>
    page.locator('section.card', { has: page.getByRole('heading', { name: title, exact: true }) });

  it('sets retention per class (checked as typed, kept after a reload) and applies it now', async () => {
    const page = await openSettings();
    const retention = card(page, 'Retention');
    const recordings = retention.getByLabel('Recordings: days kept');
    expect(await recordings.inputValue()).toBe(''); // off by default
    await recordings.fill('0');
    await expect.poll(() => retention.getByRole('alert').first().textContent()).toBe('At least 1 day');
    await recordings.fill('30');
    await retention.getByLabel('Call records: days kept').fill('365');
    await retention.getByLabel('Backups kept').fill('5');
    await retention.getByRole('button', { name: 'Save retention' }).click();
    await expect.poll(() => retention.getByRole('status').first().textContent()).toBe('Saved.');
    await page.reload();
    await page.getByRole('heading', { name: 'Data', level: 2, exact: true }).waitFor();
    const again = card(page, 'Retention');
    await expect.poll(() => again.getByLabel('Recordings: days kept').inputValue()).toBe('30');
    expect(await again.getByLabel('Transcripts: days kept').inputValue()).toBe('');
    expect(await again.getByLabel('Call records: days kept').inputValue()).toBe('365');
    expect(await again.getByLabel('QA audio: days kept').inputValue()).toBe('');
    expect(await again.getByLabel('Backups kept').inputValue()).toBe('5');
    await again.getByRole('button', { name: 'Apply retention now' }).click();
    await expect
      .poll(() => again.getByRole('status', { name: 'Retention result' }).textContent())
      .toBe(
        'recordings: 0 sessions, 0 files deleted; callRecords: 0 calls, 0 events deleted; backups: 0 archives deleted',
      );
    await page.close();
  });

  it('backs up and downloads the archive, then wipes only after the button and the typed word', async () => {
    const page = await openSettings();
    const backup = card(page, 'Backup');
    // A passphrase seals the secrets (the backup then restores on any host): typed twice, the same.
    const backUp = backup.getByRole('button', { name: 'Back up now' });
    await backup.getByLabel('Passphrase (optional)').fill(PASSPHRASE);
    await backup.getByLabel('Passphrase again').fill(`${PASSPHRASE}x`);
    await expect.poll(() => backup.getByRole('alert').textContent()).toBe('The two passphrases differ');
    expect(await backUp.isDisabled()).toBe(true);
    await backup.getByLabel('Passphrase again').fill(PASSPHRASE);
    await backUp.click();
    await backup.getByText(/secrets sealed under the passphrase/).waitFor({ timeout: 30_000 });
    const download = backup.getByRole('button', { name: /^Download calldeck-backup-.*\.zip$/ });
    await download.waitFor({ timeout: 30_000 });
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const saved = path.join(root, 'downloaded.zip');
    await file.saveAs(saved);
    expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');
    // Downloaded, it need not stay in the data folder too.
    await backup.getByRole('button', { name: 'Remove from the data folder' }).click();
    await backup.getByText('Removed from the data folder.').waitFor();
    expect(fs.readdirSync(path.join(dataDir, 'backups'))).toEqual([]);
    // The downloaded archive restores into a new folder, verified, with the passphrase.
    const passFile = path.join(root, 'passphrase.txt');
    fs.writeFileSync(passFile, PASSPHRASE);
    const noPass = await runCli(['restore', saved, '--data', path.join(root, 'restored')]);
    expect(noPass.stderr).toMatch(/Not restored: .*sealed under the passphrase/);
    const restored = await runCli([
      'restore',
      saved,
      '--data',
      path.join(root, 'restored'),
      '--passphrase-file',
      passFile,
    ]);
    expect(restored.stdout).toMatch(/audit log verified/);

    // calldeck backup from the command line while the app runs on the same folder.
    const cliOut = path.join(root, 'cli-backup.zip');
    const cli = await runCli(['backup', '--out', cliOut, '--data', dataDir, '--json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ files: expect.any(Number) as number });
    const cliRestored = await runCli([
      'restore',
      cliOut,
      '--data',
      path.join(root, 'restored-cli'),
      '--json',
    ]);
    expect(JSON.parse(cliRestored.stdout)).toMatchObject({ ok: true, audit: { ok: true } });

    const wipe = card(page, 'Wipe data');
    await wipe.getByRole('button', { name: 'Wipe data…' }).click();
    const confirm = wipe.getByRole('button', { name: 'Delete the data' });
    expect(await confirm.isDisabled()).toBe(true);
    await wipe.getByLabel('Type WIPE to confirm').fill('wipe');
    expect(await confirm.isDisabled()).toBe(true);
    await page.screenshot({ path: artifactPath('settings-data-wipe-confirm.png'), fullPage: true });
    await wipe.getByLabel('Type WIPE to confirm').fill('WIPE');
    await confirm.click();
    await expect.poll(() => wipe.getByRole('status').textContent()).toMatch(/^Wiped: \d+ rows/);
    const db = new Database(path.join(dataDir, 'calldeck.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) FROM contacts').pluck().get()).toBe(0);
      const outcomes = db
        .prepare(
          "SELECT json_extract(payload, '$.outcome') FROM audit_log WHERE action = 'data.wipe' ORDER BY seq",
        )
        .pluck()
        .all();
      expect(outcomes).toEqual(['started', 'ok']);
    } finally {
      db.close();
    }
    await page.close();
  });
});
