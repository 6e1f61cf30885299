import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { artifactPath, launchChromium } from '../helpers/browser';
import { runCli, startServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

/** The slice of the page's `window.calldeck` this test calls. */
interface PageApi {
  calldeck: {
    settings: { update(request: unknown): Promise<unknown> };
    dnc: { add(request: unknown): Promise<unknown> };
    contacts: { lists(request: unknown): Promise<{ id: number; name: string }[]> };
    campaigns: { create(request: unknown): Promise<unknown> };
  };
}

// The Audit page shows each row's outcome and its payload as a key/value list (issue 9, item 4).
describe('served app in Chromium: audit rows with their outcomes', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let cleanup = () => {};
  let dataDir = '';
  let tmpDir = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const tmp = makeTempDir('calldeck-e2e-audit-page-');
    cleanup = tmp.cleanup;
    tmpDir = tmp.dir;
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

  // Issue 12, item 3: rows read as sentences, filters on the server, raw JSON on demand, CSV export.
  it('reads rows as sentences, filters them, shows raw JSON on demand and exports the slice as CSV', async () => {
    const csv = path.join(tmpDir, 'renewals.csv');
    fs.writeFileSync(
      csv,
      'phone,name,appointment_day,appointment_time\n+919811112222,Meera,Monday,ten\n+919811113333,Arjun,Monday,eleven\n',
    );
    // Another CallDeck process on the same folder (the CLI) imports the list.
    const imported = await runCli(['import', csv, '--list', 'Renewals', '--data', dataDir, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const page = await openApp();
    await page.evaluate(async () => {
      const api = (window as unknown as PageApi).calldeck;
      const list = (await api.contacts.lists({})).find((l) => l.name === 'Renewals');
      await api.campaigns.create({ name: 'Renewals Nov', listId: list?.id, bot: 'appointment-reminder' });
    });
    await page.getByRole('link', { name: 'Audit log' }).click();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(5);
    const summaries = page.locator('.audit__summary');
    await expect
      .poll(() => summaries.allTextContents())
      .toEqual([
        expect.stringMatching(/ created campaign 'Renewals Nov' \(2 contacts\)$/),
        "import of renewals.csv into list 'Renewals' (2 valid rows) finished",
        expect.stringMatching(/ started the import of renewals\.csv into list 'Renewals'$/),
        expect.stringMatching(/ added 1 number to Do-Not-Call$/),
        expect.stringMatching(/^refused: .* changed the calling settings: /),
      ]);

    // Filtered on the server: one action.
    const filters = page.getByRole('form', { name: 'Audit filters' });
    await filters.getByLabel('Action').selectOption('campaigns.create');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByTestId('audit-total').textContent()).toBe('1 row');
    // Raw JSON only on demand.
    expect(await page.locator('.audit__raw').count()).toBe(0);
    await rows.first().getByRole('button', { name: 'Raw JSON' }).click();
    const raw = JSON.parse((await page.locator('.audit__raw').textContent()) ?? '') as Record<
      string,
      unknown
    >;
    expect(raw).toMatchObject({ outcome: 'ok', contacts: 2, request: { name: 'Renewals Nov' } });

    // The filtered slice as a CSV download.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const text = fs.readFileSync(await download.path(), 'utf8');
    // UTF-8 with a BOM (trim() would drop it).
    expect(text.startsWith('\ufeff')).toBe(true);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor,action,subject,outcome,summary,payload,prev_hash,hash');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("created campaign 'Renewals Nov' (2 contacts)");
    await page.screenshot({ path: artifactPath('audit-filtered.png'), fullPage: true });

    // A time range with nothing in it.
    await filters.getByLabel('Action').selectOption('');
    await filters.getByLabel('From').fill('2099-01-01T00:00');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.locator('tbody').textContent()).toContain('No rows match these filters.');
    await filters.getByRole('button', { name: 'Clear' }).click();
    // The export row itself is audited.
    await expect.poll(() => rows.count()).toBe(6);
    await page.close();
  });

  // An auditor reads what was exported: the export's two rows as sentences, not "reports.export on …".
  it('reads an export (started by the CLI) as its scope, format, rows and SHA-256', async () => {
    const out = path.join(tmpDir, 'calls.zip');
    const exported = await runCli([
      'export',
      ...['--from', '2026-01-01', '--to', '2099-12-31', '--format', 'csv', '--out', out, '--data', dataDir],
      '--json',
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const { sha256 } = JSON.parse(exported.stdout) as { sha256: string };
    const page = await openApp();
    await page.getByRole('link', { name: 'Audit log' }).click();
    const filters = page.getByRole('form', { name: 'Audit filters' });
    await filters.getByLabel('Action').selectOption('reports.export');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('.audit__summary').allTextContents())
      .toEqual([
        expect.stringMatching(
          new RegExp(
            `^export of the calls from 2026-01-01\\S* to 2100-01-01\\S* as CSV \\(\\d+ rows, SHA-256 ${sha256.slice(0, 12)}…\\) finished$`,
          ),
        ),
        expect.stringMatching(/ started the export of the calls from 2026-01-01\S* to 2100-01-01\S* as CSV$/),
      ]);
    await page.screenshot({ path: artifactPath('audit-export-rows.png'), fullPage: true });
    await page.close();
  });

  it('had no errors in the browser console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
