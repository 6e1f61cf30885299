import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from '../helpers/browser';
import { startSandboxServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';
import { bridgeCalls, TAP_SOCKETS, type Tapped } from './helpers/socket-tap';

// The callee answers after a ring, says "yes" 7 s in, and hangs up 13 s after answering.
const SCRIPT = `
default: { outcome: answer, ringSec: 1, hangupAfterSec: 2 }
callees:
  - number: '+919800000009'
    outcome: answer
    ringSec: 1
    hangupAfterSec: 13
    says: [{ silenceSec: 7 }, { say: 'yes' }]
`;

/** The server's own view, over a bridge connection of the test's: the call's state and events. */
async function serverView(serve: ServeProcess, attemptId?: string) {
  const [calls, events] = await bridgeCalls(serve, [
    { channel: 'telephony.recentCalls', request: { limit: 10 } },
    ...(attemptId ? [{ channel: 'telephony.callEvents', request: { attemptId } }] : []),
  ]);
  return {
    calls: calls!.value as { id: string; state: string }[],
    events: attemptId ? (events!.value as { type: string }[]) : [],
  };
}

describe('the live call board survives a dropped bridge socket (Chromium)', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let cleanup = () => {};

  beforeAll(async () => {
    const tmp = makeTempDir('calldeck-e2e-reconnect-');
    cleanup = tmp.cleanup;
    serve = await startSandboxServe(tmp.dir, SCRIPT);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    cleanup();
  });

  it('after the socket drops mid-call, the board shows the call’s real end and every event', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(TAP_SOCKETS);
    await page.goto(serve.url);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Number', { exact: true }).fill('+91 98000 00009');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await page.getByTestId('test-call').waitFor();

    // The live board, with the call open.
    await page.getByRole('link', { name: 'Calls' }).click();
    const board = page.getByTestId('calls-table');
    await board.getByRole('button', { name: '+919800000009' }).click();
    await expect
      .poll(() => page.getByTestId('call-timeline').textContent(), { timeout: 15_000 })
      .toContain('answered');
    const { calls } = await serverView(serve);
    const attemptId = calls[0]!.id;
    expect(calls[0]!.state).not.toMatch(/completed|failed|busy|no_answer|canceled/);

    // The network goes: the page's socket closes and reconnect attempts fail.
    await page.evaluate(() => {
      const w = window as unknown as Tapped;
      w.__blocked = true;
      for (const s of w.__sockets) s.close();
    });
    // The call goes on and ends on the server while the page hears nothing.
    const until = Date.now() + 40_000;
    let server = await serverView(serve, attemptId);
    while (server.calls.find((c) => c.id === attemptId)?.state !== 'completed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      server = await serverView(serve, attemptId);
    }
    expect(server.calls.find((c) => c.id === attemptId)?.state).toBe('completed');
    // Nothing reached the page: it still shows the call live.
    expect(await board.locator('tbody tr').first().textContent()).not.toContain('completed');
    const failedAttempts = await page.evaluate(
      () => (window as unknown as Tapped).__sockets.filter((s) => s.url.includes('/blocked')).length,
    );
    expect(failedAttempts).toBeGreaterThanOrEqual(2);

    // The network is back: the page reconnects by itself and catches up.
    await page.evaluate(() => ((window as unknown as Tapped).__blocked = false));
    await expect
      .poll(() => board.locator('tbody tr').first().textContent(), { timeout: 20_000 })
      .toContain('completed');
    const timeline = page.getByTestId('call-timeline');
    await expect.poll(() => timeline.locator('li').count(), { timeout: 10_000 }).toBe(server.events.length);
    const shown = await timeline.locator('li strong').allTextContents();
    expect(shown).toEqual(server.events.map((e) => e.type));
    expect(shown).toContain('ended');
    // The bot's transcript lines sent while the page was away arrived too.
    await expect
      .poll(() => page.getByTestId('transcript').first().textContent(), { timeout: 10_000 })
      .toMatch(/Caller yes/i);
    // And the test call panel on the Settings page agrees.
    await page.getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByTestId('test-call-state').textContent()).toBe('completed');
    await page.screenshot({ path: artifactPath('reconnect-board.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
