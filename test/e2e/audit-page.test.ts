import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { artifactPath, launchChromium } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

/** The slice of the page's `window.calldeck` this test calls. */
interface PageApi {
  calldeck: {
    settings: { update(request: unknown): Promise<unknown> };
    dnc: { add(request: unknown): Promise<unknown> };
  };
}

// The Audit page shows each row's outcome and its payload as a key/value list (issue 9, item 4).
describe('served app in Chromium: audit rows with their outcomes', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let cleanup = () => {};
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const tmp = makeTempDir('calldeck-e2e-audit-page-');
    cleanup = tmp.cleanup;
    serve = await startServe(['--data', path.join(tmp.dir, 'data'), '--port', '0']);
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
    await page.getByRole('link', { name: 'Audit log' }).waitFor();
    return page;
  };

  it('shows a refused settings update as failed, naming the field, and a change as ok', async () => {
    const page = await openApp();
    // The page's own Api, as a form would call it: one refused update, one accepted change.
    const refused = await page.evaluate(
      async (values) => {
        try {
          await (window as unknown as PageApi).calldeck.settings.update({ section: 'calling', values });
          return 'accepted';
        } catch (err) {
          return (err as Error).message;
        }
      },
      { ...DEFAULT_SETTINGS.calling, timeZone: 'Mars/Olympus_Mons' },
    );
    expect(refused).toMatch(/timeZone/);
    await page.evaluate(() =>
      (window as unknown as PageApi).calldeck.dnc.add({ phones: ['9876543210'], note: 'asked' }),
    );

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    const failed = page.locator('tbody tr', { hasText: 'settings.update' });
    expect(await failed.locator('.outcome').textContent()).toBe('failed');
    expect(await failed.textContent()).toContain('settings.calling');
    expect(await failed.locator('.outcome__error').textContent()).toMatch(/^invalid_request: /);
    expect(await failed.locator('dt').allTextContents()).toContain('field values.timeZone');

    const added = page.locator('tbody tr', { hasText: 'dnc.add' });
    expect(await added.locator('.outcome').textContent()).toBe('ok');
    const labels = await added.locator('dt').allTextContents();
    const values = await added.locator('dd').allTextContents();
    expect(Object.fromEntries(labels.map((l, i) => [l, values[i]]))).toMatchObject({
      'request.note': 'asked',
      count: '1',
      numbers: '+919876543210',
    });
    // Readable, not raw JSON.
    expect(await page.locator('tbody').textContent()).not.toContain('{"');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    // The provider banner is a status too: read the audit page's own.
    const verified = page.locator('[role=status]:not([data-testid=provider-banner])');
    await expect.poll(() => verified.textContent()).toMatch(/^Chain intact: 2 rows/);
    await page.screenshot({ path: artifactPath('audit-outcomes.png'), fullPage: true });
    await page.close();
  });

  it('had no errors in the browser console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
