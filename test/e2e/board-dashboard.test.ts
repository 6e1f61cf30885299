import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactPath } from '../helpers/browser';
import { servedChromium } from './helpers/served-chromium';

// The live call board and the dashboard in Chromium against the built `calldeck serve --sandbox`, fed by
// test calls to the bundled callee script: +919800000001 is busy, +919800000003 fails,
// +919800000005 answers, says it is busy and hangs up.

interface Calls {
  telephony: { placeTestCall: (r: { number: string }) => Promise<{ attempt: { id: string } }> };
  calls: {
    board: (r: { limit: number }) => Promise<{ id: string; state: string; disposition: string | null }[]>;
  };
}

describe('call board and dashboard in Chromium', () => {
  const app = servedChromium({ prefix: 'calldeck-e2e-board-', sandbox: true });
  let page: Page;

  beforeAll(async () => {
    page = await app.browser.newPage();
    await page.goto(app.serve.url);
  });

  const place = (number: string) =>
    page.evaluate(
      async (n) =>
        (await (window as unknown as { calldeck: Calls }).calldeck.telephony.placeTestCall({ number: n }))
          .attempt.id,
      number,
    );
  const serverRows = () =>
    page.evaluate(() => (window as unknown as { calldeck: Calls }).calldeck.calls.board({ limit: 50 }));

  it('shows pushed calls (an ended one no longer counts its time in state), filters and searches them, and opens one', async () => {
    await page.getByRole('link', { name: 'Calls' }).click();
    await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
    const board = page.getByTestId('calls-table');
    await board.getByText('No calls yet').waitFor();

    const busy = await place('+919800000001');
    const failed = await place('+919800000003');
    const talked = await place('+919800000005');
    // Rows arrive by push (the page loaded the empty board once).
    await expect.poll(() => board.locator('tbody tr').count(), { timeout: 10_000 }).toBe(3);
    // Newest first.
    expect(await board.locator('tbody tr').first().textContent()).toContain('+919800000005');

    await expect
      .poll(
        async () => {
          const rows = await serverRows();
          const done = rows.filter((r) => ['busy', 'failed', 'completed'].includes(r.state));
          return done.length === 3 && rows.find((r) => r.id === talked)?.disposition !== null;
        },
        { timeout: 45_000 },
      )
      .toBe(true);
    const busyRow = board.locator('tr', { has: page.getByRole('button', { name: '+919800000001' }) });
    await expect.poll(() => busyRow.locator('.state').textContent(), { timeout: 10_000 }).toBe('busy');
    // The carrier's price settles a minute after the end (sandbox at real speed): pending until then.
    expect(await busyRow.getByTestId('call-price').textContent()).toMatch(/^(pending|0\.00)$/);

    // An ended call's time in state does not count on (it used to tick as "time since it ended"); its
    // title says when it ended. A live call's ticking is in provider-banner-and-calls.test.ts.
    const since = busyRow.getByTestId('time-in-state');
    expect(await since.textContent()).toBe('—');
    expect(await since.getAttribute('title')).toMatch(/^Ended \d{1,2}\/\d{1,2}\/\d{4}, /);
    await page.waitForTimeout(1500);
    expect(await since.textContent()).toBe('—');

    // The answered call shows the bot's disposition and latency once its session ended.
    const talkedRow = board.locator('tr', { has: page.getByRole('button', { name: '+919800000005' }) });
    const rows = await serverRows();
    const disposition = rows.find((r) => r.id === talked)?.disposition ?? '';
    await expect
      .poll(() => talkedRow.locator('td').nth(8).textContent(), { timeout: 10_000 })
      .toBe(disposition);
    await expect
      .poll(() => talkedRow.locator('td').nth(9).textContent(), { timeout: 10_000 })
      .toMatch(/^\d+ ms$/);

    // Filters: state, outcome, search by number.
    const count = page.getByTestId('board-count');
    await page.getByLabel('State').selectOption('busy');
    await expect.poll(() => board.locator('tbody tr').count()).toBe(1);
    expect(await count.textContent()).toBe('1 of 3 calls');
    await page.getByLabel('State').selectOption('finished');
    await expect.poll(() => board.locator('tbody tr').count()).toBe(3);
    await page.getByLabel('Outcome').selectOption(disposition);
    await expect.poll(() => board.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Outcome').selectOption('all');
    await page.getByLabel('State').selectOption('all');
    await page.getByLabel('Search').fill('98000 00003');
    await expect.poll(() => board.locator('tbody tr').count()).toBe(1);
    expect(await board.locator('tbody tr').first().textContent()).toContain('failed');
    await page.getByLabel('Search').fill('nobody');
    await board.getByText('No call matches the filters.').waitFor();
    await page.getByLabel('Search').fill('');
    await expect.poll(() => board.locator('tbody tr').count()).toBe(3);

    // Clicking a call opens its view: timeline and the bot's transcript.
    await talkedRow.getByRole('button', { name: '+919800000005' }).click();
    await expect.poll(() => page.getByTestId('call-timeline').textContent()).toContain('ended');
    expect(await page.getByLabel('Call to +919800000005').textContent()).toMatch(/price (pending|0\.50)/);
    await expect
      .poll(() => page.getByTestId('transcript').first().textContent(), { timeout: 10_000 })
      .toMatch(/busy/i);
    await page.screenshot({ path: artifactPath('call-board.png'), fullPage: true });
    expect([busy, failed, talked]).toHaveLength(3);
  });

  it("shows the core's statistics and charts on the dashboard", async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('stat-total').textContent()).toBe('3');
    expect(await page.getByTestId('stat-active').textContent()).toBe('0');
    // 1 of 3 finished calls completed and was answered.
    expect(await page.getByTestId('stat-success').textContent()).toBe('33%');
    expect(await page.getByTestId('stat-answer').textContent()).toBe('33%');
    expect(await page.getByTestId('stat-latency').textContent()).toMatch(/^\d+ \/ \d+ ms$/);
    // Spend: the settled prices (none or some yet), and how many finished calls wait for theirs.
    expect(await page.getByTestId('stat-spend').textContent()).toMatch(/^\d+\.\d\d( \([1-3] pending\))?$/);
    for (const chart of ['chart-outcomes', 'chart-dispositions', 'chart-per-hour']) {
      await expect
        .poll(() => page.getByTestId(chart).locator('.recharts-bar-rectangle').count(), { timeout: 5000 })
        .toBeGreaterThan(0);
    }
    expect(await page.getByTestId('chart-outcomes').locator('.recharts-bar-rectangle').count()).toBe(3);
    // One hour of calls: one P50 and one P95 point.
    await expect.poll(() => page.getByTestId('chart-latency').locator('.recharts-line-dot').count()).toBe(2);

    // A new call moves the dashboard by push.
    await place('+919800000001');
    await expect.poll(() => page.getByTestId('stat-total').textContent(), { timeout: 10_000 }).toBe('4');
    // The tiles sit in rows across the page, not one per line (a page class once shrank the grid).
    const [total, active] = await Promise.all(
      ['stat-total', 'stat-active'].map((id) => page.getByTestId(id).boundingBox()),
    );
    expect(active?.y).toBe(total?.y);
    await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });
  });
});
