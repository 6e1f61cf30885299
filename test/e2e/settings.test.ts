import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { artifactPath, launchChromium } from '../helpers/browser';
import { runCli, startServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

describe('served app in Chromium: settings end to end', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let dataDir: string;
  let cleanup = () => {};
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const tmp = makeTempDir('calldeck-e2e-');
    cleanup = tmp.cleanup;
    dataDir = path.join(tmp.dir, 'data');
    serve = await startServe(['--data', dataDir, '--port', '0']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    cleanup();
  });

  const openApp = async (): Promise<Page> => {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    return page;
  };

  it('changes a setting, reloads, and sees it kept', async () => {
    const page = await openApp();
    // The token leaves the address bar once read.
    expect(page.url()).not.toContain('token=');
    const calling = page.locator('section', { has: page.getByRole('heading', { name: 'Calling window' }) });
    await calling.getByLabel('Time zone').fill('Asia/Dubai');
    await calling.getByLabel('Calls start at').fill('10:30');
    await calling.getByLabel('Account calls per minute').fill('120');
    await calling.getByRole('button', { name: 'Save calling window' }).click();
    await expect.poll(() => calling.getByRole('status').textContent()).toBe('Saved.');

    await page.reload();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const again = page.locator('section', { has: page.getByRole('heading', { name: 'Calling window' }) });
    expect(await again.getByLabel('Time zone').inputValue()).toBe('Asia/Dubai');
    expect(await again.getByLabel('Calls start at').inputValue()).toBe('10:30');
    expect(await again.getByLabel('Account calls per minute').inputValue()).toBe('120');
    await page.close();
  });

  it('shows a field error for bad input and saves nothing', async () => {
    const page = await openApp();
    const tunnel = page.locator('section', { has: page.getByRole('heading', { name: 'Tunnel' }) });
    await tunnel.getByLabel('Public URL').fill('http://not-https.example');
    await tunnel.getByRole('button', { name: 'Save tunnel' }).click();
    await expect
      .poll(() => tunnel.getByRole('alert').first().textContent())
      .toBe('Public URL must start with https://');
    await page.reload();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByLabel('Public URL').inputValue()).toBe('');
    await page.close();
  });

  it('keeps a secret as set / not set only', async () => {
    const page = await openApp();
    const secret = 'exo-token-7d1f0c';
    expect(await page.getByTestId('secret-state-exotel.apiToken').textContent()).toBe('not set');
    await page.getByLabel('API token').fill(secret);
    await page.getByLabel('API token').locator('..').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('secret-state-exotel.apiToken').textContent()).toBe('set');
    // The settings.changed push may arrive before the call's own reply, which clears the field.
    await expect.poll(() => page.getByLabel('API token').inputValue()).toBe('');
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByTestId('secret-state-exotel.apiToken').textContent()).toBe('set');
    expect(fs.readFileSync(path.join(dataDir, 'calldeck.sqlite')).includes(secret)).toBe(false);
    await page.screenshot({ path: artifactPath('settings.png'), fullPage: true });
    await page.close();
  });

  it('checks a secret as it is typed, with the core schema, before anything is sent', async () => {
    const page = await openApp();
    const field = page.getByLabel('API key', { exact: true });
    const row = field.locator('..');
    await field.fill('x'.repeat(4097));
    await expect.poll(() => row.locator('..').getByRole('alert').textContent()).toMatch(/4096/);
    expect(await row.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await field.fill('exo-key-1');
    await expect.poll(() => row.locator('..').getByRole('alert').count()).toBe(0);
    expect(await row.getByRole('button', { name: 'Save' }).isDisabled()).toBe(false);
    expect(await page.getByTestId('secret-state-exotel.apiKey').textContent()).toBe('not set');
    await page.close();
  });

  it('shows the audit log and verifies its chain in the UI', async () => {
    const page = await openApp();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('tbody').textContent()).toContain('settings.setSecret');
    expect(await page.locator('tbody').textContent()).toContain('[redacted]');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    // The provider banner is a status too: read the audit page's own.
    const verified = page.locator('[role=status]:not([data-testid=provider-banner])');
    await expect.poll(() => verified.textContent()).toMatch(/^Chain intact: 2 rows/);
    await page.screenshot({ path: artifactPath('audit.png'), fullPage: true });
    await page.close();
  });

  it('refuses the bridge without the token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(serve.origin + '/');
    await page.getByText('This page needs the link CallDeck printed').waitFor();
    await context.close();

    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/bridge`);
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', reject);
    });
    expect(status).toBe(401);
  });

  it('had no errors in the browser console', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('`calldeck audit verify` passes, then names the row edited with SQL', async () => {
    expect(await serve.stop()).toBe(0);
    const ok = await runCli(['audit', 'verify', '--data', dataDir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Audit log OK: 2 rows/);

    const db = new Database(path.join(dataDir, 'calldeck.sqlite'));
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1").run();
    db.close();
    const broken = await runCli(['audit', 'verify', '--data', dataDir]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at row 1: hash does not match the row/);

    const missing = await runCli(['audit', 'verify', '--data', path.join(dataDir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No CallDeck database/);
  });
});
