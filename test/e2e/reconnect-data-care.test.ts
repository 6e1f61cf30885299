import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactPath } from '../helpers/browser';
import { runCli } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';
import { bridgeCalls, TAP_SOCKETS, type Tapped } from './helpers/socket-tap';
import { servedChromium } from './helpers/served-chromium';

interface JobView {
  id: string;
  kind: string;
  state: string;
}

// Issue 9 item 6 for Settings › Data: its backup card followed job.updated itself and read nothing
// again when the bridge came back with pushes lost (every store re-fetches on Api.onResync).
describe('Settings › Data survives a dropped bridge socket (Chromium)', () => {
  const app = servedChromium({
    prefix: 'calldeck-e2e-reconnect-data-',
    prepare: (dir) => {
      // Incompressible bytes, so the backup runs for a few seconds: long enough to drop the socket in it.
      const out = fs.openSync(path.join(dir, 'bulk.bin'), 'w');
      for (let i = 0; i < 12; i++) fs.writeSync(out, randomBytes(8 * 1048576));
      fs.closeSync(out);
    },
  });

  it('shows how a backup ended when it ended while the page was cut off and its pushes were lost', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(TAP_SOCKETS);
    await page.goto(app.serve.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const backup = page.locator('section.card', {
      has: page.getByRole('heading', { name: 'Backup', exact: true }),
    });
    await backup.getByRole('button', { name: 'Back up now' }).click();
    await backup.getByText(/^Backing up…/).waitFor();

    // The network goes, and the server will not replay what the page missed (gap): it must re-fetch.
    await page.evaluate(() => {
      const w = window as unknown as Tapped;
      w.__gap = true;
      w.__blocked = true;
      for (const s of w.__sockets) s.close();
    });
    const backupJob = async () => {
      const [list] = await bridgeCalls(app.serve, [{ channel: 'jobs.list', request: { recent: 10 } }]);
      const { running, recent } = list!.value as { running: JobView[]; recent: JobView[] };
      return [...running, ...recent].find((j) => j.kind === 'data.backup');
    };
    const until = Date.now() + 60_000;
    let job = await backupJob();
    while (job?.state !== 'succeeded' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      job = await backupJob();
    }
    expect(job?.state).toBe('succeeded');
    // Nothing reached the page: it still says the backup runs.
    expect(await backup.getByText(/^Backing up…/).count()).toBe(1);

    // The network is back: the page reconnects, hears `gap`, and the card reads its job again.
    await page.evaluate(() => ((window as unknown as Tapped).__blocked = false));
    await backup.getByText(/^Backup ready: \d+ files/).waitFor({ timeout: 20_000 });
    expect(await backup.getByText(/^Backing up…/).count()).toBe(0);
    await backup.getByRole('button', { name: /^Download calldeck-backup-.*\.zip$/ }).waitFor();
    const hellos = await page.evaluate(
      () => (window as unknown as Tapped).__sockets.filter((s) => s.url.includes('epoch=another-run')).length,
    );
    expect(hellos).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: artifactPath('reconnect-data-care.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
  it('follows a backup that is still running after the page is reloaded', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.serve.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const card = () =>
      page.locator('section.card', { has: page.getByRole('heading', { name: 'Backup', exact: true }) });
    await card().getByRole('button', { name: 'Back up now' }).click();
    await card()
      .getByText(/^Backing up…/)
      .waitFor();

    // A reload forgets which job the card started: it finds the running backup among the jobs.
    await page.reload();
    await page.getByRole('link', { name: 'Settings' }).click();
    await card()
      .getByText(/^Backing up…/)
      .waitFor({ timeout: 10_000 });
    await card()
      .getByText(/^Backup ready: \d+ files/)
      .waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
  // Issue 12: the card adopted a backup only while it showed none; one begun later (another tab,
  // the API, the CLI on this folder next to the server) while it showed a finished one went unseen.
  it('follows a backup begun later in another tab, then by the CLI, while it shows a finished one', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.serve.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const card = page.locator('section.card', {
      has: page.getByRole('heading', { name: 'Backup', exact: true }),
    });
    const download = card.getByRole('button', { name: /^Download calldeck-backup-.*\.zip$/ });
    const shown = async () => (await download.textContent())?.trim();
    await card.getByRole('button', { name: 'Back up now' }).click();
    await card.getByText(/^Backup ready: \d+ files/).waitFor({ timeout: 60_000 });
    const first = await shown();

    // Another tab backs up: this card shows its progress, then its archive instead of the first.
    const other = await app.browser.newPage();
    await other.goto(app.serve.url);
    await other.getByRole('link', { name: 'Settings' }).click();
    await other.getByRole('button', { name: 'Back up now' }).click();
    await card.getByText(/^Backing up…/).waitFor({ timeout: 10_000 });
    await card.getByText(/^Backup ready: \d+ files/).waitFor({ timeout: 60_000 });
    const second = await shown();
    expect(second).not.toBe(first);
    await other.close();

    // The CLI on the same data folder: its job sends no pushes to this server; the card reads it.
    const out = makeTempDir('calldeck-e2e-cli-backup-');
    try {
      const cli = runCli(['backup', '--out', path.join(out.dir, 'cli.zip'), '--data', app.dir, '--json']);
      await card.getByText(/^Backing up…/).waitFor({ timeout: 20_000 });
      const ended = await cli;
      expect(ended.code, ended.stderr).toBe(0);
      const name = (JSON.parse(ended.stdout) as { artifact: { name: string } }).artifact.name;
      expect(name).not.toBe(second?.replace(/^Download /, ''));
      // The CLI copied its archive to --out and removed it from the folder: nothing to download here.
      await card
        .getByText('No longer in the data folder (copied out by calldeck backup, or removed).')
        .waitFor({ timeout: 10_000 });
      await card.getByText(/^Backup ready: \d+ files/).waitFor();
      expect(await download.count()).toBe(0);
    } finally {
      out.cleanup();
    }
    await page.screenshot({ path: artifactPath('backup-followed-elsewhere.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
