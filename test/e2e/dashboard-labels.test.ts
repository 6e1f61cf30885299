import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/store';
import { artifactPath } from '../helpers/browser';
import { seedCampaignCalls, seedList } from '../helpers/export-seed';
import { servedChromium } from './helpers/served-chromium';

// Found comparing the dashboard with the board: the flags chart of a campaign with three flags had a
// bar without a label (recharts drops tick labels that would overlap; flag names are long).

const FLAGS = ['charged_without_answer', 'completed_under_5s', 'machine_answered', 'transfer_without_agent'];

describe('dashboard charts by category', () => {
  const app = servedChromium({
    prefix: 'calldeck-e2e-dashboard-labels-',
    prepare: (dir) => {
      fs.mkdirSync(dir, { recursive: true });
      const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
      seedCampaignCalls(db, { campaignId: 'camp-flags', listId: seedList(db, 'Flags'), calls: 12 });
      // Each call gets one of the outcome check's flags, in turn.
      db.prepare(
        `UPDATE campaign_attempts SET flags = json_array(
           CASE rowid % 4 WHEN 0 THEN ? WHEN 1 THEN ? WHEN 2 THEN ? ELSE ? END)`,
      ).run(...FLAGS);
      db.close();
    },
  });

  it('name every bar', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(app.serve.url);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const flags = page.getByTestId('chart-flags');
    await expect.poll(() => flags.locator('.recharts-bar-rectangle').count(), { timeout: 10_000 }).toBe(4);
    const ticks = await flags
      .locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')
      .allTextContents();
    expect([...ticks].sort()).toEqual([...FLAGS].sort());
    // Inside the chart: no name is cut at its edge.
    const chart = await flags.locator('svg.recharts-surface').boundingBox();
    for (const tick of await flags.locator('.recharts-yAxis-tick-labels text').all()) {
      const box = await tick.boundingBox();
      expect(box && chart && box.x >= chart.x - 0.5).toBe(true);
    }
    await page.screenshot({ path: artifactPath('dashboard-labels.png'), fullPage: true });
    await page.close();
  });
});
