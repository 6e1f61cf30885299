import type { Page } from 'playwright-core';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { artifactPath } from '../helpers/browser';
import { servedChromium } from './helpers/served-chromium';

/** A CSV large enough to show progress, with known good, bad, duplicate and DNC rows. */
function customerCsv(rows: number): string {
  const lines = ['Customer Name,Mobile No,Loan ID,City'];
  for (let i = 0; i < rows; i++) {
    const n = 7000000000 + i;
    lines.push(`Customer ${i},${n},LN${100000 + i},Pune`);
  }
  lines.push('Short Number,987654321,LN1,Delhi'); // 9 digits
  lines.push('Empty Phone,,LN2,Delhi');
  lines.push(`Again,${7000000000},LN3,Delhi`); // duplicate of the first data row
  lines.push('Sci,9.19876543E+11,LN4,Delhi'); // Excel lost digits
  lines.push('Do Not Call,+91 98111-22233,LN5,Delhi');
  return lines.join('\n') + '\n';
}

async function dropFile(page: Page, name: string, content: string | Buffer) {
  const bytes = typeof content === 'string' ? undefined : content.toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ name, content, bytes }) => {
      const dt = new DataTransfer();
      const body = bytes === undefined ? content : Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      dt.items.add(new File([body], name));
      return dt;
    },
    { name, content: typeof content === 'string' ? content : '', bytes },
  );
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
}

describe('contact lists in Chromium: drop, map, import, inspect', () => {
  const app = servedChromium({ prefix: 'calldeck-e2e-lists-' });
  const errors: string[] = [];

  it('imports a dropped CSV with a progress bar, a summary and filterable invalid rows', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.serve.url);

    // A number on the Do-Not-Call list before the import is imported but marked.
    await page.getByRole('link', { name: 'Do not call' }).click();
    await page.getByLabel('Numbers (one per line)').fill('9811122233');
    await page.getByRole('button', { name: 'Add to Do-Not-Call' }).click();
    await expect.poll(() => page.getByTestId('dnc-table').textContent()).toContain('+919811122233');

    await page.getByRole('link', { name: 'Contact lists' }).click();
    await page.getByRole('heading', { name: 'Contact lists', level: 1 }).waitFor();
    await dropFile(page, 'customers.csv', customerCsv(150_000));

    // Mapping step: guessed columns, a preview, a name from the file.
    const preview = page.getByTestId('preview-table');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('Customer 0');
    expect(await page.getByLabel('Phone column').locator('option:checked').textContent()).toBe('Mobile No');
    expect(await page.getByLabel('Name column').locator('option:checked').textContent()).toBe(
      'Customer Name',
    );
    await page.getByLabel('Keep column City').uncheck();
    await page.getByLabel('List name').fill('March reminders');
    await page.getByRole('button', { name: 'Import “March reminders”' }).click();

    await page.getByRole('progressbar', { name: 'Import progress' }).waitFor();
    await expect.poll(() => page.getByTestId('import-progress').textContent()).toMatch(/rows\/s/);
    await page.screenshot({ path: artifactPath('lists-progress.png') });

    await page.getByTestId('import-summary').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('count-valid').textContent()).toBe('1,50,001');
    expect(await page.getByTestId('count-invalid').textContent()).toBe('3');
    expect(await page.getByTestId('count-duplicates').textContent()).toBe('1');
    expect(await page.getByTestId('count-dnc').textContent()).toBe('1');
    const summary = await page.getByTestId('import-summary').textContent();
    expect(summary).toMatch(/too short/i);
    expect(summary).toMatch(/lost digits/i);

    // The list and its contacts, virtualised, filtered to the invalid rows with their reasons.
    expect(await page.getByTestId('lists-table').textContent()).toContain('March reminders');
    await page.getByRole('button', { name: /^Invalid \(3\)/ }).click();
    const table = page.getByRole('table', { name: 'Contacts of March reminders' });
    await expect.poll(() => table.getByRole('row').count()).toBe(4);
    const text = await table.textContent();
    expect(text).toMatch(/empty phone/i);
    expect(text).toContain('987654321');
    await page.getByRole('button', { name: /^All/ }).click();
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(10);
    // Virtualised: far fewer DOM rows than contacts.
    expect(await table.getByRole('row').count()).toBeLessThan(100);
    await page.screenshot({ path: artifactPath('lists-summary.png'), fullPage: true });

    // The reject file downloads with the original row and its reason.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download reject file' }).click(),
    ]);
    // Streamed from the host by artifact id (not built from base64 in the page), offered as a download.
    expect(download.url()).toMatch(/\/artifacts\/[0-9a-f-]{36}\?download=1&token=/);
    expect(download.suggestedFilename()).toMatch(/-rejects\.csv$/);
    const rejectPath = artifactPath('rejects.csv');
    await download.saveAs(rejectPath);
    const { readFileSync } = await import('node:fs');
    const rejects = readFileSync(rejectPath, 'utf8');
    expect(rejects.split('\n')[0]).toContain('Reject reason');
    expect(rejects).toContain('Short Number');
    expect(errors).toEqual([]);
    await page.close();
  });

  /** Opens the Lists page and returns a helper that drops a CSV and starts importing it as `name`. */
  async function listsPage(locale?: string): Promise<{
    page: Page;
    importAs: (name: string, csv: string) => Promise<void>;
  }> {
    const page = await app.browser.newPage({
      viewport: { width: 1280, height: 900 },
      ...(locale ? { locale } : {}),
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.serve.url);
    await page.getByRole('heading', { name: 'Contact lists', level: 1 }).waitFor();
    const importAs = async (name: string, csv: string) => {
      await dropFile(page, `${name}.csv`, csv);
      await page.getByLabel('List name').fill(name);
      await page.getByRole('button', { name: `Import “${name}”` }).click();
    };
    return { page, importAs };
  }
  const SMALL_CSV = 'Name,Mobile,City\nAsha,9876543210,Pune\nRavi,9876543211,Chennai\n';

  it('importing into a taken list name says so and lets the user rename and go on', async () => {
    const { page, importAs } = await listsPage();
    await importAs('Taken', SMALL_CSV);
    await page.getByTestId('import-summary').waitFor();
    await page.getByRole('button', { name: 'Import another file' }).click();
    // The import fails at once, before its start reply reaches the page: the page must still say
    // why and stay on the mapping step (it used to sit on "Starting…" with a Cancel that did nothing).
    await importAs('Taken', SMALL_CSV);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/“Taken”.*already exists/);
    expect(await page.getByLabel('Phone column').locator('option:checked').textContent()).toBe('Mobile');
    await page.getByLabel('List name').fill('Taken 2');
    await page.getByRole('button', { name: 'Import “Taken 2”' }).click();
    await page.getByTestId('import-summary').waitFor();
    expect(await page.getByTestId('count-valid').textContent()).toBe('2');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an error can be dismissed and goes once its cause is fixed; long values stay in their column', async () => {
    const { page, importAs } = await listsPage();
    const longName = 'Srinivasaraghavan'.repeat(12);
    await importAs('Errors', `Name,Mobile\n${longName},9876543210\n`);
    await page.getByTestId('import-summary').waitFor();
    await page.getByRole('button', { name: 'Import another file' }).click();
    await importAs('Errors', SMALL_CSV);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await page.getByRole('button', { name: 'Dismiss this message' }).click();
    await expect.poll(() => alert.count()).toBe(0);
    await page.getByRole('button', { name: 'Import “Errors”' }).click();
    await alert.waitFor();
    // Changing the name fixes the cause: the error goes without being dismissed.
    await page.getByLabel('List name').fill('Errors 2');
    await expect.poll(() => alert.count()).toBe(0);

    // A long value is clipped inside its own column (the whole value in its title), never over the next.
    await page.getByTestId('lists-table').getByRole('button', { name: 'Errors', exact: true }).click();
    const cell = page
      .getByRole('table', { name: 'Contacts of Errors' })
      .getByRole('cell', { name: longName, exact: true });
    const clip = await cell.evaluate((el) => ({
      overflow: getComputedStyle(el).overflowX,
      clipped: el.scrollWidth > el.clientWidth,
      title: el.getAttribute('title'),
    }));
    expect(clip).toEqual({ overflow: 'hidden', clipped: true, title: longName });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a long list name, file name and note stay inside their tables on every page that shows them', async () => {
    const long = 'Srinivasaraghavan'.repeat(8);
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.serve.url);
    await page.getByRole('heading', { name: 'Contact lists', level: 1 }).waitFor();
    await dropFile(page, `${long}.csv`, SMALL_CSV);
    await page.getByLabel('List name').fill(`Long ${long}`);
    await page.getByRole('button', { name: `Import “Long ${long}”` }).click();
    await page.getByTestId('import-summary').waitFor();
    await page.getByRole('button', { name: 'Import another file' }).click();
    await page
      .getByTestId('lists-table')
      .getByRole('button', { name: `Long ${long}`, exact: true })
      .click();
    await page.getByRole('link', { name: 'Do not call' }).click();
    await page.getByLabel('Numbers (one per line)').fill('9811117777');
    await page.getByLabel('Note').fill(long);
    await page.getByRole('button', { name: 'Add to Do-Not-Call' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('+919811117777');
    // Nothing is wider than the window: a long value is clipped (whole in its title) or wrapped.
    const widths = () =>
      page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    const shows = { 'Contact lists': `Long ${long}`, 'Do not call': long, 'Audit log': `list:Long ${long}` };
    for (const [link, value] of Object.entries(shows)) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.locator('main table').getByText(value, { exact: true }).first().waitFor();
      expect({ link, ...(await widths()) }).toEqual({ link, page: 1280, window: 1280 });
    }
    await page.getByRole('link', { name: 'Contact lists', exact: true }).click();
    const name = page.getByTestId('lists-table').getByRole('button', { name: `Long ${long}`, exact: true });
    expect(await name.getAttribute('title')).toBe(`Long ${long}`);
    await page.screenshot({ path: artifactPath('lists-long-values.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('deletes a list after asking', async () => {
    const { page, importAs } = await listsPage();
    for (const name of ['Old', 'Old 2']) {
      await importAs(name, SMALL_CSV);
      await page.getByTestId('import-summary').waitFor();
      await page.getByRole('button', { name: 'Import another file' }).click();
    }
    const lists = page.getByTestId('lists-table');
    const listLink = (name: string) => lists.getByRole('button', { name, exact: true });
    await page.getByRole('button', { name: 'Delete list Old', exact: true }).click();
    const confirm = page.getByRole('group', { name: 'Confirm deleting Old' });
    expect(await confirm.textContent()).toMatch(/Delete “Old” and its 2 contacts\? This cannot be undone/);
    await confirm.getByRole('button', { name: 'Keep' }).click();
    expect(await listLink('Old').count()).toBe(1);
    await page.getByRole('button', { name: 'Delete list Old', exact: true }).click();
    await confirm.getByRole('button', { name: 'Delete list' }).click();
    await expect.poll(() => listLink('Old').count()).toBe(0);
    expect(await listLink('Old 2').count()).toBe(1);
    await page.screenshot({ path: artifactPath('lists-delete.png'), fullPage: true });
    // Gone from the core, not only from the page.
    await page.reload();
    await listLink('Old 2').waitFor();
    expect(await listLink('Old').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("names a column's variable as the bot knows it, told which variables a bot still lacks", async () => {
    const { page } = await listsPage();
    await dropFile(
      page,
      'recall.csv',
      'Customer,Mobile,Appt Day,Appt Time\nAsha,9876543210,Monday the fifth,ten\n',
    );
    await page.getByTestId('preview-table').waitFor();
    // The bundled appointment bot needs {{appointment_day}} and {{appointment_time}}: the file says
    // "Appt Day", so every contact would be skipped ("missing variables") by its campaign.
    const needs = page.getByTestId('bot-needs');
    await expect
      .poll(() => needs.textContent())
      .toMatch(/Clinic appointment reminder needs \{\{appointment_day\}\}, \{\{appointment_time\}\}/);
    await page.getByLabel('Variable name for Appt Day').fill('Appointment Day');
    expect(await page.getByRole('button', { name: 'Import “recall”' }).isDisabled()).toBe(true);
    await page.getByLabel('Variable name for Appt Day').fill('appointment_day');
    await page.getByLabel('Variable name for Appt Time').fill('appointment_time');
    expect(await needs.textContent()).not.toMatch(/Clinic appointment reminder/);
    await page.screenshot({ path: artifactPath('lists-variable-names.png'), fullPage: true });
    await page.getByRole('button', { name: 'Import “recall”' }).click();
    await page.getByTestId('import-summary').waitFor();
    const table = page.getByRole('table', { name: 'Contacts of recall' });
    await expect
      .poll(() => table.textContent())
      .toContain('appointment_day=Monday the fifth · appointment_time=ten');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("switching sheets starts from the new sheet's columns", async () => {
    const wb = XLSX.utils.book_new();
    const january = [
      ['Name', 'Mobile'],
      ['Asha', '9876543210'],
      ['Ravi', '9876543211'],
    ];
    const february = [
      ['Mobile', 'Name'],
      ['9876543212', 'Meena'],
      ['9876543213', 'Kiran'],
      ['9876543214', 'Zoya'],
    ];
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(january), 'January');
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(february), 'February');
    const page = await app.browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.serve.url);
    await page.getByRole('heading', { name: 'Contact lists', level: 1 }).waitFor();
    await dropFile(page, 'months.xlsx', XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    const phone = page.getByLabel('Phone column').locator('option:checked');
    await expect.poll(() => phone.textContent()).toBe('Mobile');
    await page.getByLabel('List name').fill('Months');
    await page.getByLabel('Sheet').selectOption('February');
    await expect.poll(() => page.getByTestId('preview-table').textContent()).toContain('Meena');
    // February's phone column is its first; January's choice (the second column) must not carry over.
    expect(await phone.textContent()).toBe('Mobile');
    expect(await page.getByLabel('Phone column').inputValue()).toBe('0');
    expect(await page.getByLabel('Name column').locator('option:checked').textContent()).toBe('Name');
    expect(await page.getByLabel('List name').inputValue()).toBe('Months');
    await page.getByRole('button', { name: 'Import “Months”' }).click();
    await page.getByTestId('import-summary').waitFor();
    expect(await page.getByTestId('count-valid').textContent()).toBe('3');
    expect(await page.getByTestId('count-invalid').textContent()).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('explains a file that cannot be imported', async () => {
    const page = await app.browser.newPage();
    await page.goto(app.serve.url);
    await page.getByRole('heading', { name: 'Contact lists', level: 1 }).waitFor();
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array([0, 159, 146, 150, 0, 0, 1, 2, 255, 254, 0, 0])], 'junk.csv'));
      return dt;
    });
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/junk\.csv: /);
    await page.close();
  });

  // The Jobs tray wrote 26/11/2026, 7:05:59 am while the lists and DNC tables followed the browser
  // (11/26/2026, 7:05:58 AM): every page now writes dates en-IN, whatever the browser's locale.
  it("writes dates the same way (en-IN) on every page, whatever the browser's locale", async () => {
    const { page, importAs } = await listsPage('en-US');
    expect(await page.evaluate(() => navigator.language)).toBe('en-US');
    await importAs('Dated', SMALL_CSV);
    await page.getByTestId('import-summary').waitFor();
    const enIn = (iso: string) => page.evaluate((at) => new Date(at).toLocaleString('en-IN'), iso);
    const EN_IN = /\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d{2}:\d{2} (am|pm)/;

    const list = (await page.evaluate(() =>
      (
        window as unknown as { calldeck: { contacts: { lists(r: object): Promise<unknown> } } }
      ).calldeck.contacts.lists({}),
    )) as { name: string; createdAt: string }[];
    const dated = list.find((l) => l.name === 'Dated')!;
    const row = page.locator('tr', { has: page.getByRole('button', { name: 'Dated', exact: true }) });
    await expect.poll(() => row.textContent()).toContain(`${await enIn(dated.createdAt)} by`);

    await page.getByRole('button', { name: /^Jobs/ }).click();
    const job = page.getByRole('region', { name: 'Jobs' }).getByTestId('job-finished').first();
    await expect.poll(() => job.textContent()).toMatch(EN_IN);

    await page.getByRole('link', { name: 'Do not call' }).click();
    await page.getByLabel('Numbers (one per line)').fill('+91 98111 45678');
    await page.getByRole('button', { name: 'Add to Do-Not-Call' }).click();
    const dnc = page.locator('tr', { hasText: '+919811145678' });
    await expect.poll(() => dnc.textContent()).toMatch(EN_IN);
    expect(await dnc.textContent()).not.toMatch(/AM|PM/);
    await page.close();
  });
});
