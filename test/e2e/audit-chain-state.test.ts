import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactPath } from '../helpers/browser';
import { runCli } from '../helpers/serve-process';
import { servedChromium } from './helpers/served-chromium';

// The Audit page shows the chain's state when it opens, warnings included: here the head file was
// deleted (with it, any truncation before it), so the app anchored the log again at start. The
// page showed nothing about the chain until someone pressed Verify.
describe('Audit page: the chain as found, shown without pressing Verify', () => {
  const app = servedChromium({
    prefix: 'calldeck-e2e-audit-chain-',
    prepare: async (dir) => {
      const csv = path.join(dir, 'leads.csv');
      fs.writeFileSync(csv, 'phone,name\n+919811112222,Meera\n');
      const imported = await runCli(['import', csv, '--list', 'Leads', '--data', dir, '--json']);
      expect(imported.code, imported.stderr).toBe(0);
      fs.rmSync(path.join(dir, 'calldeck.audit-head.json'));
    },
  });

  it('shows the verification and its warning about the head file anchored again', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(app.serve.url);
    await page.getByRole('link', { name: 'Audit log' }).click();
    const chain = page.getByRole('status').filter({ hasText: /^(Chain intact|Broken at)/ });
    await expect.poll(() => chain.textContent()).toMatch(/^Chain intact: 3 rows/);
    const warnings = page.getByRole('list', { name: 'Verification notes' });
    await expect
      .poll(() => warnings.textContent())
      .toMatch(/row 3: the head file was missing when CallDeck started and was anchored again at 2 rows/);
    // The row that says so reads as a sentence too.
    expect(await page.locator('.audit__summary').first().textContent()).toMatch(
      /found the audit log's head file missing at start and anchored the log again at 2 rows/,
    );
    await page.screenshot({ path: artifactPath('audit-chain-warning.png') });
    await page.close();
  });
});
