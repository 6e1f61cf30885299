import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { artifactPath } from '../helpers/browser';
import { runCli } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';
import { dataOffset } from '../integration/data-care/backup-rig';
import { servedChromium } from './helpers/served-chromium';

// Settings › Data › Restore in a browser on `calldeck serve`: a backup taken from the page is
// restored into a new folder from the form, as `calldeck restore` would; refusals show on the form.
describe('served app in Chromium: Settings › Data › Restore', () => {
  const app = servedChromium({
    prefix: 'calldeck-e2e-restore-',
    prepare: async (dir) => {
      const csv = path.join(dir, '..', `${path.basename(dir)}-list.csv`);
      fs.writeFileSync(csv, 'Name,Mobile\nAsha,9800000001\nRavi,9800000002\n');
      expect((await runCli(['import', csv, '--list', 'March', '--data', dir])).code).toBe(0);
      fs.rmSync(csv);
    },
  });
  // The folders restored into: outside the served data folder.
  const out = makeTempDir('calldeck-e2e-restored-');
  afterAll(() => out.cleanup());

  const card = (page: Page, title: string) =>
    page.locator('section.card', { has: page.getByRole('heading', { name: title, exact: true }) });

  it('restores a backup taken on the page into a new folder from the form, then refuses a non-empty folder and a tampered upload, saying why', async () => {
    const page = await app.browser.newPage();
    await page.goto(app.serve.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Data', level: 2, exact: true }).waitFor();
    const backup = card(page, 'Backup');
    await backup.getByRole('button', { name: 'Back up now' }).click();
    await backup.getByText(/^Backup ready: \d+ files/).waitFor({ timeout: 30_000 });

    const restore = card(page, 'Restore');
    const archive = restore.getByLabel('Backup archive');
    // The finished backup joins the archives to restore from.
    await expect
      .poll(() => archive.locator('option').allTextContents())
      .toEqual(['Upload an archive…', expect.stringMatching(/^calldeck-backup-.*\.zip \(\d+\.\d MB\)$/)]);
    const name = (await archive.locator('option').nth(1).textContent())!.replace(/ \(.*$/, '');
    await archive.selectOption({ index: 1 });
    const target = path.join(out.dir, 'copy');
    await restore.getByLabel('New folder to restore into').fill(target);
    await restore.getByRole('button', { name: 'Restore', exact: true }).click();
    const result = restore.getByRole('status', { name: 'Restore result' });
    await result.waitFor({ timeout: 30_000 });
    const text = (await result.textContent()) ?? '';
    expect(text).toMatch(
      new RegExp(
        `^Restored \\d+ files \\(\\d+\\.\\d MB\\) of ${name} into ${target}: database intact, audit log verified \\(\\d+ rows\\)\\.`,
      ),
    );
    expect(text).toContain(
      `Open it: calldeck serve --data ${target}, or the desktop app with CALLDECK_DATA=${target} set.`,
    );
    await page.screenshot({ path: artifactPath('settings-data-restored.png'), fullPage: true });
    // The copy is whole: integrity_check, and the audit chain verifies with its key.
    const db = new Database(path.join(target, 'calldeck.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT COUNT(*) FROM contacts').pluck().get()).toBe(2);
    } finally {
      db.close();
    }
    const verify = await runCli(['audit', 'verify', '--data', target]);
    expect(verify.code).toBe(0);
    // A row in the Jobs tray, with its outcome.
    await page.getByRole('button', { name: /^Jobs/ }).click();
    const finished = page.getByRole('region', { name: 'Jobs' }).getByTestId('job-finished');
    await expect
      .poll(() =>
        finished
          .filter({ hasText: `Restore ${name}` })
          .first()
          .textContent(),
      )
      .toMatch(new RegExp(`Done · \\d+ files restored into ${target}`));
    await page.getByRole('button', { name: /^Jobs/ }).click();
    // This install's audit log says who restored which archive where (the Audit page's sentences).
    const log = (await runCli(['audit', 'list', '--data', app.dir, '--action', 'data.restore'])).stdout;
    expect(log).toContain(`started the restore of ${name} into ${target}`);
    expect(log).toMatch(new RegExp(`restore of ${name} into ${target} \\(\\d+ files\\) finished`));

    // The same folder again: it is no longer empty, refused on its field before any job.
    await restore.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect
      .poll(() => restore.getByRole('alert').first().textContent())
      .toMatch(
        new RegExp(
          `^${target} is not empty \\(\\d+ entries\\): a backup is restored only into an empty or new folder`,
        ),
      );

    // An uploaded archive with one byte changed: the job refuses it, the form says why, nothing is created.
    const original = path.join(app.dir, 'backups', name);
    const bytes = fs.readFileSync(original);
    const at = await dataOffset(original, (n) => n.endsWith('calldeck.sqlite'));
    bytes[at] = bytes[at]! ^ 0xff;
    const tampered = path.join(out.dir, 'tampered.zip');
    fs.writeFileSync(tampered, bytes);
    await archive.selectOption({ label: 'Upload an archive…' });
    await restore.getByLabel('Archive file').setInputFiles(tampered);
    const second = path.join(out.dir, 'second');
    await restore.getByLabel('New folder to restore into').fill(second);
    await restore.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect
      .poll(() => restore.getByRole('alert').first().textContent(), { timeout: 30_000 })
      .toMatch(/^Not restored: (calldeck\.sqlite was changed|the archive is damaged)/);
    expect(fs.existsSync(second)).toBe(false);
    await page.close();
  }, 120_000);
});
