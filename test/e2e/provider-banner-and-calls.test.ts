import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath } from '../helpers/browser';
import { servedChromium } from './helpers/served-chromium';

// Issue 9 defects, in Chromium against the built `calldeck serve --sandbox` (no --sandbox-script):
// - a banner on every page says calls go to the sandbox;
// - the sandbox follows the bundled resources/sandbox/callees.yaml (+919800000001 is busy there);
// - a settings field is checked as it is entered, with the core's schema (region ZZ is refused);
// - the Calls page's live duration ticks, and a bot decision of `none` reads "no transfer";
// - a test call to a number on the Do-Not-Call list is refused on screen, and nothing is dialled.

interface CallView {
  id: string;
  state: string;
}
type PlaceTestCall = (r: { number: string }) => Promise<{ attempt: CallView }>;
type RecentCalls = (r: { limit: number }) => Promise<(CallView & { transferDecision: string | null })[]>;
type Sessions = (r: { attemptId?: string }) => Promise<{ botId: string; attemptId: string | null }[]>;
declare global {
  interface Window {
    calldeck: {
      telephony: { placeTestCall: PlaceTestCall; recentCalls: RecentCalls };
      voicebot: { sessions: Sessions };
    };
  }
}

describe('served app in Chromium: sandbox banner, bundled callee script, settings and the call board', () => {
  const app = servedChromium({
    prefix: 'calldeck-e2e-',
    sandbox: true,
    prepare: (dir) => {
      // A bot of the user's own, and a broken one, in <data>/bots.
      const demo = fs.readFileSync(path.resolve('resources/bots/appointment-reminder.yaml'), 'utf8');
      fs.mkdirSync(path.join(dir, 'bots'));
      fs.writeFileSync(
        path.join(dir, 'bots', 'dental.yaml'),
        demo
          .replace('id: appointment-reminder', 'id: dental')
          .replace('name: Clinic appointment reminder', 'name: Dental recall'),
      );
      fs.writeFileSync(path.join(dir, 'bots', 'broken.yaml'), 'kind: script\nid: broken\n');
    },
  });

  const open = async (): Promise<Page> => {
    const page = await app.browser.newPage();
    await page.goto(app.serve.url);
    return page;
  };

  const placeCall = (page: Page, number: string) =>
    page.evaluate((n) => window.calldeck.telephony.placeTestCall({ number: n }), number);

  const callState = (page: Page, id: string) =>
    page.evaluate(
      async (attemptId) =>
        (await window.calldeck.telephony.recentCalls({ limit: 50 })).find((c) => c.id === attemptId),
      id,
    );

  it('says on every page that calls go to the sandbox', async () => {
    const page = await open();
    // Every page the nav offers, so a page added later is checked too.
    const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(links).toEqual(
      expect.arrayContaining(['Campaigns', 'Dashboard', 'QA', 'Contact lists', 'Settings']),
    );
    for (const link of links) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await expect
        .poll(() => page.getByRole('link', { name: link, exact: true }).getAttribute('aria-current'))
        .toBe('page');
      const banner = page.getByTestId('provider-banner');
      await expect.poll(() => banner.getAttribute('data-provider')).toBe('sandbox');
      expect(await banner.textContent()).toMatch(
        /^Sandbox: calls go to the local Exotel sandbox; no real phone rings/,
      );
    }
    await page.screenshot({ path: artifactPath('provider-banner.png') });
    await page.close();
  });

  it('dials through the bundled callee script when no --sandbox-script is given', async () => {
    const page = await open();
    const { attempt } = await placeCall(page, '+919800000001');
    await expect
      .poll(async () => (await callState(page, attempt.id))?.state, { timeout: 20_000 })
      .toBe('busy');
    await page.close();
  });

  it('checks the default phone region as it is entered, with the core schema', async () => {
    const page = await open();
    await page.getByRole('link', { name: 'Settings' }).click();
    const calling = page.locator('section', { has: page.getByRole('heading', { name: 'Calling window' }) });
    await calling.getByLabel('Default phone region').fill('ZZ');
    // No save: the error shows as the value is entered.
    await expect
      .poll(() => calling.getByRole('alert').first().textContent())
      .toBe('Unknown country code ZZ: use one such as IN, US or GB');
    await calling.getByLabel('Default phone region').fill('GB');
    await expect.poll(() => calling.getByRole('alert').count()).toBe(0);
    await page.close();
  });

  it("picks a test call's bot in Settings > Telephony, and lists the broken bot file", async () => {
    const page = await open();
    await page.getByRole('link', { name: 'Settings' }).click();
    const picker = page.getByLabel('Bot', { exact: true });
    await expect.poll(() => picker.inputValue()).toBe('appointment-reminder');
    expect(await picker.locator('option').allTextContents()).toEqual([
      'Clinic appointment reminder (script)',
      'Loan payment reminder (LLM)',
      'Dental recall (script, yours)',
    ]);
    expect(await page.getByTestId('bot-problems').textContent()).toContain('broken.yaml');
    await picker.selectOption('dental');
    await expect
      .poll(() => page.getByTestId('test-call-variables').locator('legend').textContent())
      .toBe('What “Dental recall” says to this call');
    await page.getByLabel('Number').fill('+919811113333');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await expect
      .poll(
        async () => {
          const calls = await page.evaluate(() => window.calldeck.telephony.recentCalls({ limit: 50 }));
          const id = calls.find((c) => (c as unknown as { number: string }).number === '+919811113333')?.id;
          if (!id) return null;
          const sessions = await page.evaluate(
            (a) => window.calldeck.voicebot.sessions({ attemptId: a }),
            id,
          );
          return sessions[0]?.botId ?? null;
        },
        { timeout: 20_000 },
      )
      .toBe('dental');
    await page.screenshot({ path: artifactPath('test-call-bot-picker.png') });
    await page.close();
  });

  it('refuses a test call to a Do-Not-Call number with a clear message that clears or can be dismissed, and dials nothing', async () => {
    const page = await open();
    await page.getByRole('link', { name: 'Do not call' }).click();
    await page.getByLabel('Numbers (one per line)').fill('+91 98111 19999');
    await page.getByRole('button', { name: 'Add to Do-Not-Call' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('+919811119999');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Number', { exact: true }).fill('98111 19999');
    await page.getByRole('button', { name: 'Place test call' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Do-Not-Call' });
    await expect
      .poll(() => refusal.textContent())
      .toContain('+919811119999 is on the Do-Not-Call list: it is never dialled (remove it there first)');
    const calls = await page.evaluate(() => window.calldeck.telephony.recentCalls({ limit: 50 }));
    expect(calls.filter((c) => (c as unknown as { number: string }).number === '+919811119999')).toEqual([]);
    // The refusal is about the number: typing another one clears it; it can also be dismissed.
    await page.getByLabel('Number', { exact: true }).fill('98111 19998');
    await expect.poll(() => refusal.count()).toBe(0);
    await page.getByLabel('Number', { exact: true }).fill('98111 19999');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await refusal.waitFor();
    await refusal.getByRole('button', { name: 'Dismiss this message' }).click();
    await expect.poll(() => refusal.count()).toBe(0);
    await page.close();
  });

  it("ticks a live call's duration and reads a decision of none as no transfer", async () => {
    const page = await open();
    await page.getByRole('link', { name: 'Calls' }).click();
    await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
    // The bundled default callee answers after 3 s and stays on the line.
    const { attempt } = await placeCall(page, '+919811112222');
    const row = page.locator('tr', { has: page.getByRole('button', { name: '+919811112222' }) });
    const cell = row.getByTestId('call-duration');
    await expect.poll(() => cell.textContent(), { timeout: 20_000 }).toMatch(/^\d+ s…$/);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      seen.add((await cell.textContent()) ?? '');
      await page.waitForTimeout(300);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    // Its time in state ticks too, with no event.
    const since = row.getByTestId('time-in-state');
    const first = await since.textContent();
    await expect.poll(() => since.textContent(), { timeout: 5000 }).not.toBe(first);
    expect(await since.textContent()).toMatch(/^\d+ s$/);

    // +919800000005 says "Sorry, I am busy right now": the bot promises a call back, no transfer.
    const busy = await placeCall(page, '+919800000005');
    await expect
      .poll(async () => (await callState(page, busy.attempt.id))?.transferDecision, { timeout: 30_000 })
      .toBe('none');
    const busyRow = page.locator('tr', { has: page.getByRole('button', { name: '+919800000005' }) });
    await expect.poll(() => busyRow.locator('td').last().textContent()).toBe('no transfer');
    // Once it has ended, its time in state stops (it kept counting the time since the end).
    await expect
      .poll(() => busyRow.locator('.state').textContent(), { timeout: 30_000 })
      .toMatch(/completed|busy|failed|no answer|canceled|interrupted/);
    const ended = busyRow.getByTestId('time-in-state');
    await expect.poll(() => ended.textContent()).toBe('—');
    await page.waitForTimeout(1500);
    expect(await ended.textContent()).toBe('—');
    await busyRow.getByRole('button', { name: '+919800000005' }).click();
    const timeline = page.getByTestId('call-timeline');
    await expect.poll(() => timeline.textContent()).toContain('no transfer (bot decided)');
    expect(await timeline.textContent()).not.toContain('transfer_decided');
    expect(attempt.id).not.toBe(busy.attempt.id);
    await page.screenshot({ path: artifactPath('calls-no-transfer.png') });
    await page.close();
  });
});
