import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath } from '../helpers/browser';
import { servedChromium } from './helpers/served-chromium';

/** A CSV big enough that its import runs for a few seconds. */
function bigCsv(rows: number): string {
  const lines = ['Customer Name,Mobile No,City'];
  for (let i = 0; i < rows; i++) lines.push(`Customer ${i},${7000000000 + i},Pune`);
  return lines.join('\n') + '\n';
}

async function dropFile(page: Page, name: string, content: string) {
  const dataTransfer = await page.evaluateHandle(
    ({ name, content }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], name));
      return dt;
    },
    { name, content },
  );
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
}

describe('Jobs tray in Chromium', () => {
  const app = servedChromium({ prefix: 'calldeck-e2e-jobs-' });

  it('shows a running import with progress and time left, and the finished job after a reload', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.serve.url);
    await page.getByRole('heading', { name: 'Contact lists', level: 1 }).waitFor();

    const tray = page.getByRole('button', { name: /^Jobs/ });
    await tray.click();
    const panel = page.getByRole('region', { name: 'Jobs' });
    await expect.poll(() => panel.textContent()).toContain('Nothing running.');

    await dropFile(page, 'big.csv', bigCsv(600_000));
    await page.getByTestId('preview-table').waitFor();
    await page.getByLabel('List name').fill('Big list');
    await page.getByRole('button', { name: 'Import “Big list”' }).click();

    // The job appears in the tray while it runs: its bar moves and it says how long is left.
    const title = 'Import “Big list” from big.csv';
    const bar = panel.getByRole('progressbar', { name: `Progress of ${title}` });
    await bar.waitFor({ timeout: 15_000 });
    await expect.poll(() => tray.textContent()).toBe('Jobs · 1 running');
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(() => panel.getByTestId('job-running').textContent(), { timeout: 20_000 })
      .toMatch(/left/);
    expect(await panel.getByTestId('job-running').textContent()).toMatch(/MB of [\d.]+ MB/);
    await page.screenshot({ path: artifactPath('jobs-running.png') });

    // It ends: the tray moves it to the finished ones with its outcome.
    await expect
      .poll(() => panel.getByTestId('job-finished').first().textContent(), { timeout: 90_000 })
      .toContain('Done · 6,00,000 valid rows, 0 invalid, 0 duplicates');
    expect(await tray.textContent()).toBe('Jobs');

    // After a reload the job is still listed, from the database.
    await page.reload();
    await page.getByRole('button', { name: /^Jobs/ }).click();
    const after = page.getByRole('region', { name: 'Jobs' }).getByTestId('job-finished').first();
    await expect.poll(() => after.textContent()).toContain(title);
    expect(await after.textContent()).toContain('Done · 6,00,000 valid rows');
    await page.screenshot({ path: artifactPath('jobs-finished.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
