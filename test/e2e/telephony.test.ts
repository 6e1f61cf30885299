import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from '../helpers/browser';
import { startSandboxServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

const SCRIPT = `
default: { outcome: answer, ringSec: 1, hangupAfterSec: 2 }
callees:
  - { number: '+919800000001', outcome: busy, ringSec: 1 }
  - number: '+919800000009'
    outcome: answer
    ringSec: 1
    hangupAfterSec: 13
    says: [{ silenceSec: 7 }, { say: 'yes' }]
  - { number: '+919800000012', outcome: answer, ringSec: 1, hangupAfterSec: 8 }
`;

describe('telephony in Chromium: public URLs and a test call through the sandbox', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let cleanup = () => {};

  beforeAll(async () => {
    const tmp = makeTempDir('calldeck-e2e-tel-');
    cleanup = tmp.cleanup;
    serve = await startSandboxServe(tmp.dir, SCRIPT);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    cleanup();
  });

  it('prints the public surface with its secret', () => {
    expect(serve.output()).toMatch(/Public surface: http:\/\/127\.0\.0\.1:\d+\/exotel\/[A-Za-z0-9_-]{20,}\//);
  });

  it('shows the URLs for Exotel, tests the connection and follows a test call to its end', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const artifactStatuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/artifacts/')) artifactStatuses.push(r.status());
    });
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('telephony-provider').waitFor();
    expect(await page.getByTestId('telephony-provider').textContent()).toMatch(/local sandbox/);
    const secret = /\/exotel\/([^/]+)\//.exec(serve.output())?.[1] ?? 'missing';
    expect(await page.getByTestId('url-local-Passthru').textContent()).toContain(
      `/exotel/${secret}/passthru`,
    );
    expect(await page.getByTestId('url-local-Voicebot stream').textContent()).toMatch(
      /^ws:\/\/127\.0\.0\.1:\d+\/voicebot\//,
    );

    await page.getByRole('button', { name: 'Test connection' }).click();
    // The sandbox has no account to accept: the check says so (it once claimed credentials were accepted).
    await expect
      .poll(() => page.getByTestId('connection-result').textContent())
      .toBe('✓ Sandbox: no Exotel account needed; calls stay on this machine');

    // A manual tunnel without a URL explains itself instead of hanging.
    await page.getByRole('button', { name: 'Start tunnel' }).click();
    await expect.poll(() => page.getByTestId('tunnel-state').textContent()).toMatch(/failed/);

    await page.getByLabel('Number', { exact: true }).fill('98765 43210');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await page.getByTestId('test-call').waitFor();
    await expect
      .poll(() => page.getByTestId('test-call-state').textContent(), { timeout: 30_000 })
      .toBe('completed');
    const events = await page.getByTestId('test-call').textContent();
    // The callee hangs up during the bot's greeting: no post-bot passthru, and the call still ends.
    for (const step of [
      'dial_requested',
      'provider_accepted',
      'answered',
      'flow_linked',
      'stream_started',
      'ended',
    ])
      expect(events).toContain(step);
    await page.screenshot({ path: artifactPath('telephony.png'), fullPage: true });

    await page.getByLabel('Number', { exact: true }).fill('+91 98000 00001');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await expect
      .poll(() => page.getByTestId('test-call-state').textContent(), { timeout: 30_000 })
      .toBe('busy');

    // A callee who answers the greeting: the board shows the caller's turn and where its latency went.
    await page.getByLabel('Number', { exact: true }).fill('+91 98000 00009');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await expect
      .poll(() => page.getByTestId('test-call-state').textContent(), { timeout: 40_000 })
      .toBe('completed');

    // The call board lists every call with its final state and each call's timeline.
    await page.getByRole('link', { name: 'Calls' }).click();
    const board = page.getByTestId('calls-table');
    await expect.poll(() => board.locator('tbody tr').count()).toBe(3);
    await board.getByRole('button', { name: '+919800000009' }).click();
    await expect
      .poll(() => page.getByTestId('transcript').first().textContent(), { timeout: 15_000 })
      .toMatch(/Caller yes/i);
    await page.getByTestId('latency-chart').waitFor();
    expect(await page.getByTestId('latency-median').textContent()).toMatch(/^\d+ ms$/);
    expect(
      await page.getByTestId('latency-chart').locator('.recharts-bar-rectangle').count(),
    ).toBeGreaterThan(0);
    // The recording plays in the page: a real WAV that Chromium decodes to the call's length.
    await page.getByRole('button', { name: 'Both sides (stereo)' }).click();
    const audio = page.getByTestId('recording-audio');
    await audio.waitFor();
    const seconds = await audio.evaluate(
      (el: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          if (el.readyState >= 1) resolve(el.duration);
          el.addEventListener('loadedmetadata', () => resolve(el.duration));
          el.addEventListener('error', () => reject(new Error(`audio error ${el.error?.code ?? '?'}`)));
        }),
    );
    expect(seconds).toBeGreaterThan(8); // the callee stayed on for 13 s, the greeting and "yes" included
    // Streamed from the host by artifact id with the tab's token (never base64 through the Api), and
    // seekable: Chromium asks for byte ranges, which the host answers with 206.
    expect(await audio.getAttribute('src')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/artifacts\/[0-9a-f-]{36}\?token=[\w-]+$/,
    );
    const seekedTo = await audio.evaluate(
      (el: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          el.addEventListener('seeked', () => resolve(el.currentTime));
          el.addEventListener('error', () => reject(new Error(`audio error ${el.error?.code ?? '?'}`)));
          el.currentTime = 6;
        }),
    );
    expect(seekedTo).toBeCloseTo(6, 0);
    expect(artifactStatuses).toContain(206);
    await page.screenshot({ path: artifactPath('calls-latency.png'), fullPage: true });

    expect(await board.textContent()).toContain('+919876543210');
    expect(await board.textContent()).toContain('busy');
    await board.getByRole('button', { name: '+919876543210' }).click();
    await expect.poll(() => page.getByTestId('call-timeline').textContent()).toContain('stream_started');
    // The voicebot answered the stream: its transcript and per-turn latencies are on the call.
    await expect
      .poll(() => page.getByTestId('transcript').first().textContent(), { timeout: 15_000 })
      .toMatch(/Bot/);
    await page.screenshot({ path: artifactPath('calls.png'), fullPage: true });
    await page.getByRole('link', { name: 'Settings' }).click();

    await page.getByLabel('Number', { exact: true }).fill('12345');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/12345: /);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("greets a test call with the variables typed in the form, prefilled with the bot's examples", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const fields = page.getByTestId('test-call-variables');
    await fields.waitFor();
    const name = fields.getByLabel('name', { exact: true });
    expect(await name.inputValue()).toBe('Asha');
    expect(await fields.getByLabel('appointment day', { exact: true }).inputValue()).toBe('Monday the fifth');
    await name.fill('Meera');
    await page.getByLabel('Number', { exact: true }).fill('+91 98000 00012');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await expect
      .poll(() => page.getByTestId('test-call-state').textContent(), { timeout: 40_000 })
      .toBe('completed');
    await page.getByRole('link', { name: 'Calls' }).click();
    await page.getByTestId('calls-table').getByRole('button', { name: '+919800000012' }).click();
    await expect
      .poll(() => page.getByTestId('transcript').first().textContent(), { timeout: 15_000 })
      .toMatch(/speaking with Meera/);
    await page.screenshot({ path: artifactPath('test-call-variables.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
