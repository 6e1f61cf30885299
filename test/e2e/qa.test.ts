import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WaveFile } from 'wavefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpeechProviders, int16 } from '../../src/main/core/speech';
import { artifactPath, launchChromium } from '../helpers/browser';
import { startSandboxServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

const VARIABLES = `variables:
  name: Asha Rao
  appointment_day: Monday the fifth
  appointment_time: ten thirty in the morning
`;

/** Passes against the demo bot. */
const CONFIRM = `name: Confirm
callers: [synthetic]
${VARIABLES}steps:
  - say: yes
  - say: confirm
expect:
  disposition: confirmed
`;

/** Fails on purpose: the caller cancels, the scenario expects the bot to confirm. */
const CANCEL = `name: Cancel expecting a confirmation
callers: [synthetic, human]
${VARIABLES}steps:
  - say: yes
  - say: cancel
    expect:
      says: see you on Monday
`;

/** Needs an LLM, which this install does not have: skipped. */
const LLM = `name: Goal by LLM
callers: [llm]
goal: { persona: A patient, goal: Confirm the visit, success: The bot confirms }
`;

/** A test call's callee (the sandbox speaks its lines): the wrong person, who says no. */
const CALLEES = `callees:
  - number: '+919800000044'
    outcome: answer
    ringSec: 1
    hangupAfterSec: 25
    says: [{ silenceSec: 6 }, { say: 'no' }]
`;

/** The human caller's recordings: a different rate and channel count from what the bot hears. */
async function writeHumanClips(dir: string, lines: string[]): Promise<void> {
  const speech = await createSpeechProviders({});
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const [i, line] of lines.entries()) {
      const audio = await speech.tts.synthesizeAll(line, { sampleRate: 16000 });
      const mono = int16(audio.pcm);
      const wav = new WaveFile();
      wav.fromScratch(2, 16000, '16', [mono, mono]);
      fs.writeFileSync(path.join(dir, `step-${String(i + 1).padStart(2, '0')}.wav`), wav.toBuffer());
    }
  } finally {
    speech.dispose();
  }
}

/** Each audio element's state, read in the page. */
function audioState(page: Page, label: string) {
  return page.getByLabel(label, { exact: true }).evaluate((el) => {
    const a = el as HTMLAudioElement;
    return { paused: a.paused, currentTime: a.currentTime, duration: a.duration };
  });
}

/**
 * Runs the open suite from the page's run form and waits for the run (the `runs`-th in the table) to
 * finish; with `watchProgress`, checks the progress bar moves while it runs (six scenario runs).
 */
async function runFromPage(
  page: Page,
  o: {
    repeat: number;
    parallel: number;
    runs: number;
    watchProgress?: boolean;
    human?: boolean;
    llm?: boolean;
  },
): Promise<void> {
  await page.getByLabel('Repeats').fill(String(o.repeat));
  await page.getByLabel('At once').fill(String(o.parallel));
  const human = page.getByRole('checkbox', { name: 'Recorded human' });
  if ((await human.isChecked()) !== (o.human ?? true)) await human.click();
  const llm = page.getByRole('checkbox', { name: 'LLM-driven' });
  if ((await llm.isChecked()) !== (o.llm ?? false)) await llm.click();
  await page.getByRole('button', { name: 'Run suite' }).click();
  const runs = page.getByRole('table', { name: 'Runs' });
  await runs.waitFor();
  await expect.poll(() => runs.locator('tbody tr').count(), { timeout: 15_000 }).toBe(o.runs);
  if (o.watchProgress) {
    const progress = runs.getByRole('progressbar', { name: 'Progress of the e2e-suite run' });
    await progress.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => runs.getByTestId('qa-progress').textContent(), { timeout: 30_000 })
      .toMatch(/^[1-5] of 6 scenario runs/);
    expect(Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  }
  // Newest first: the run just started is the first row.
  await expect
    .poll(async () => (await runs.locator('tbody tr').first().textContent()) ?? '', { timeout: 120_000 })
    .toMatch(/finished/);
}

describe('the QA page in Chromium', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let suiteDir: string;
  let cleanup = () => {};

  beforeAll(async () => {
    const tmp = makeTempDir('calldeck-e2e-qa-');
    cleanup = tmp.cleanup;
    suiteDir = path.join(tmp.dir, 'data', 'qa', 'suites', 'e2e-suite');
    fs.mkdirSync(suiteDir, { recursive: true });
    fs.writeFileSync(path.join(suiteDir, 'confirm.yaml'), CONFIRM);
    fs.writeFileSync(path.join(suiteDir, 'cancel.yaml'), CANCEL);
    fs.writeFileSync(path.join(suiteDir, 'llm.yaml'), LLM);
    await writeHumanClips(path.join(suiteDir, 'human', 'cancel'), ['yes', 'cancel']);
    // The sandbox callee of the recorded test call: waits out the greeting, then says it is not them.
    serve = await startSandboxServe(tmp.dir, CALLEES);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    cleanup();
  });

  it('edits a scenario with validation, runs the suite with progress, and plays a failed scenario human vs synthetic from a chosen turn', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    const csp: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await page.goto(serve.url.replace(/\/?(\?|$)/, '/$1') + '#/qa');
    await page.getByRole('heading', { name: 'QA', level: 1 }).waitFor();

    // The bundled sample suite is shown read-only.
    await page.getByRole('button', { name: /^appointment · \d+ scenarios · bundled/ }).click();
    await page.getByRole('button', { name: 'cancel.yaml', exact: true }).click();
    const bundled = page.getByLabel(/^cancel\.yaml/);
    await expect.poll(() => bundled.inputValue()).toMatch(/^name: /);
    expect(await bundled.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('button', { name: 'Save cancel.yaml' }).count()).toBe(0);

    // The suite from the data folder is listed; opening it lists its scenarios, both valid.
    await page.getByRole('button', { name: /^e2e-suite · 3 scenarios/ }).click();
    const scenarios = page.getByRole('table', { name: 'Scenarios' });
    await expect.poll(() => scenarios.getByRole('row').count()).toBe(4);

    // Editing: a bad value is named by line and field as it is typed, and cannot be saved.
    await page.getByRole('button', { name: 'confirm.yaml', exact: true }).click();
    const editor = page.getByLabel(/^confirm\.yaml/);
    await editor.fill(
      CONFIRM.replace('  disposition: confirmed', '  disposition: confirmed\n  hangup_by: nobody'),
    );
    const problems = page.getByRole('list', { name: 'Problems' });
    await expect
      .poll(() => problems.textContent(), { timeout: 10_000 })
      .toMatch(/confirm\.yaml:\d+:\d+ expect\.hangup_by:/);
    expect(await page.getByRole('button', { name: 'Save confirm.yaml' }).isDisabled()).toBe(true);
    // A valid change is saved to the suite folder.
    await editor.fill(CONFIRM.replace('name: Confirm', 'name: Confirm the visit'));
    const save = page.getByRole('button', { name: 'Save confirm.yaml' });
    await expect.poll(() => save.isEnabled(), { timeout: 10_000 }).toBe(true);
    await save.click();
    await page.getByText('Saved confirm.yaml.').waitFor();
    expect(fs.readFileSync(path.join(suiteDir, 'confirm.yaml'), 'utf8')).toContain('name: Confirm the visit');

    // Run the suite (synthetic and human callers, twice each, one at a time): progress on the page
    // while it runs, then the results.
    // The llm caller too: this install has no LLM, so its scenario is listed skipped, not failed.
    await runFromPage(page, { repeat: 2, parallel: 1, runs: 1, watchProgress: true, llm: true });
    const results = page.getByRole('table', { name: 'Results' });
    const failedRow = results.getByTestId('result-cancel.yaml-synthetic');
    await expect.poll(() => failedRow.textContent(), { timeout: 30_000 }).toMatch(/expectation/);
    expect(await results.getByTestId('result-cancel.yaml-human').textContent()).toMatch(
      /0 of 2.*expectation/,
    );
    // pass@k and pass^k from the core's statistics, the pass rate with its 95% interval.
    expect(await results.getByTestId('result-confirm.yaml-synthetic').textContent()).toMatch(
      /2 of 2 100% \(\d+%–100%\) pass@2 yes pass\^2 yes/,
    );
    expect(await failedRow.textContent()).toMatch(/0 of 2 0% \(0%–\d+%\) pass@2 no pass\^2 no/);
    const skipped = page.getByRole('list', { name: 'Skipped scenario runs' });
    expect(await skipped.textContent()).toMatch(
      /^Goal by LLM llm\.yaml \[llm #1\]: skipped not configured: the llm caller needs an LLM.*Goal by LLM llm\.yaml \[llm #2\]/,
    );
    expect(await page.getByRole('table', { name: 'Runs' }).locator('tbody tr').first().textContent()).toMatch(
      /2 skipped/,
    );
    await page.screenshot({ path: artifactPath('qa-results.png'), fullPage: true });

    // The failed scenario, human and synthetic side by side: four waveforms drawn under the CSP.
    await failedRow.getByRole('button', { name: 'Side by side' }).click();
    const player = page.getByRole('region', { name: 'Side-by-side player' });
    await player.waitFor();
    for (const side of ['left', 'right'])
      for (const ch of ['caller', 'bot'])
        await expect
          .poll(() => page.getByTestId(`wave-${side}-${ch}`).getAttribute('data-ready'), { timeout: 20_000 })
          .toBe('true');
    expect(await player.getByTestId('sbs-left').textContent()).toMatch(/human/);
    expect(await player.getByTestId('sbs-right').textContent()).toMatch(/synthetic/);
    const drawn = await page.getByTestId('wave-left-bot').evaluate((el) => {
      const root = el.querySelector('[role="img"] > div')?.shadowRoot;
      const canvas = root?.querySelector('canvas');
      return canvas ? { w: canvas.width, pos: getComputedStyle(canvas).position } : null;
    });
    expect(drawn?.w).toBeGreaterThan(0);
    // The layout rules reached the shadow DOM (wavesurfer's own <style> is refused by the CSP).
    expect(drawn?.pos).toBe('absolute');

    // Pick the cancel turn: both runs play from that turn, each at its own offset.
    const row = player.getByTestId('turn-step:1');
    const offsets = (await row.getByText(/^at [\d.]+ s$/).allTextContents()).map((t) =>
      Number(/[\d.]+/.exec(t)?.[0]),
    );
    expect(offsets).toHaveLength(2);
    expect(offsets.every((o) => o > 1)).toBe(true);
    // How the synthetic run's turn differs from the human's: the latency difference at least.
    expect(await row.getByRole('cell').last().textContent()).toMatch(/latency [+-]?\d+ ms|same/);
    await row.getByRole('button', { name: 'Play both from Step 2' }).click();
    const labels = {
      left: 'Left run (human): caller audio',
      right: 'Right run (synthetic): caller audio',
    };
    for (const [i, label] of [labels.left, labels.right].entries()) {
      const at = offsets[i] ?? 0;
      await expect.poll(async () => (await audioState(page, label)).paused, { timeout: 10_000 }).toBe(false);
      const s = await audioState(page, label);
      expect(s.currentTime).toBeGreaterThanOrEqual(at - 0.05);
      expect(s.currentTime).toBeLessThan(at + 3);
    }
    // The bot channels play along from the same offsets.
    expect((await audioState(page, 'Left run (human): bot audio')).paused).toBe(false);
    expect((await audioState(page, 'Right run (synthetic): bot audio')).paused).toBe(false);
    await page.screenshot({ path: artifactPath('qa-side-by-side.png'), fullPage: true });
    await player.getByRole('button', { name: 'Pause' }).click();

    // The core's turn-by-turn comparison of the pair: the caller's words (the human's clip names
    // against the synthetic text), what the bot said, latency and verdict per turn.
    const diff = page.getByRole('region', { name: 'Turn by turn comparison' });
    await diff.waitFor({ timeout: 10_000 });
    expect(await diff.textContent()).toMatch(
      /Cancel expecting a confirmation · human #\d+ fail against .* synthetic #\d+ fail/,
    );
    expect(await diff.getByTestId('diff-turn-2').textContent()).toMatch(/cancel.*ms \([+-]?\d+ ms\)/);

    expect(errors).toEqual([]);
    // The only thing the CSP refuses is wavesurfer's inline <style> (its rules come in as a constructed
    // stylesheet instead): never a fetch or the playback of an artifact.
    expect(csp.filter((m) => !/Applying inline style/.test(m))).toEqual([]);
  });
  it('compares a later run of the suite with the first one: the regression, the scenario it did not run, and the two runs side by side', async () => {
    // Follows the first test (its run is the baseline). The suite changes: confirm now expects the
    // bot to mention Tuesday, which it never does; the second run has synthetic callers only.
    fs.writeFileSync(
      path.join(suiteDir, 'confirm.yaml'),
      fs
        .readFileSync(path.join(suiteDir, 'confirm.yaml'), 'utf8')
        .replace('  - say: confirm', '  - say: confirm\n    expect: { says: see you on Tuesday }'),
    );
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(serve.url.replace(/\/?(\?|$)/, '/$1') + '#/qa');
    await page.getByRole('button', { name: /^e2e-suite · 3 scenarios/ }).click();
    await runFromPage(page, { repeat: 1, parallel: 2, runs: 2, human: false });

    const results = page.getByRole('table', { name: 'Results' });
    await expect
      .poll(() => results.getByTestId('result-confirm.yaml-synthetic').textContent(), { timeout: 30_000 })
      .toMatch(/expectation/);
    const section = page.getByRole('region', { name: 'Baseline comparison' });
    await section.getByRole('button', { name: 'Compare with baseline' }).click();
    await expect
      .poll(() => section.getByTestId('baseline-summary').textContent(), { timeout: 10_000 })
      .toMatch(
        /1 regressed, 0 fixed, 0 to or from no verdict, 1 unchanged, 1 only in the baseline, 0 only in this run/,
      );
    expect(await section.getByRole('list', { name: 'Regressions' }).textContent()).toMatch(
      /confirm\.yaml \[synthetic\]: pass → fail expectation/,
    );
    expect(await section.getByRole('list', { name: 'Only in the baseline' }).textContent()).toBe(
      'cancel.yaml [human]',
    );
    // The results table marks the regressed scenario.
    expect(await results.getByTestId('result-confirm.yaml-synthetic').textContent()).toMatch(/regressed/);

    // The regression opens side by side: the baseline's run against this run, turn by turn.
    await section.getByRole('button', { name: 'Compare confirm.yaml [synthetic] with the baseline' }).click();
    const diff = page.getByRole('region', { name: 'Turn by turn comparison' });
    await diff.waitFor({ timeout: 10_000 });
    expect(await diff.textContent()).toMatch(
      /Confirm the visit · synthetic #1 pass against Confirm the visit · synthetic #1 fail/,
    );
    expect(await diff.getByTestId('diff-turn-2').textContent()).toMatch(/pass → fail changed/);
    await page.getByRole('region', { name: 'Side-by-side player' }).waitFor();
    await page.screenshot({ path: artifactPath('qa-baseline.png'), fullPage: true });

    // The first run scored again with the suite as it is now: confirm's runs now fail (the new
    // expectation), the rest as they were; the run's own verdicts stay.
    const runsTable = page.getByRole('table', { name: 'Runs' });
    await runsTable.locator('tbody tr').nth(1).getByRole('button').click();
    await expect
      .poll(() => runsTable.locator('tbody tr').nth(1).getAttribute('class'), { timeout: 10_000 })
      .toBe('row--selected');
    const rescore = page.getByRole('region', { name: 'Re-scores' });
    await rescore.getByRole('button', { name: 'Score again' }).click();
    await expect
      .poll(() => rescore.getByTestId('rescore-summary').textContent(), { timeout: 60_000 })
      .toMatch(/: 2 of 6 verdicts changed \(the run's own verdicts are kept\)/);
    expect(await rescore.getByTestId('rescored-confirm.yaml-synthetic-1').textContent()).toMatch(
      /passed → failed changed.*new: expectation says: contains "see you on Tuesday"/,
    );
    expect(await rescore.getByTestId('rescored-cancel.yaml-human-1').textContent()).toMatch(
      /failed → failed/,
    );
    expect(await runsTable.locator('tbody tr').nth(1).textContent()).toMatch(/2 passed.*4 failed/);
    await page.screenshot({ path: artifactPath('qa-rescore.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
  it('makes a QA scenario of a recorded call from the Calls page and opens it in the QA editor', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(serve.url.replace(/\/?(\?|$)/, '/$1') + '#/settings');
    await page.getByLabel('Number', { exact: true }).fill('+91 98000 00044');
    await page.getByRole('button', { name: 'Place test call' }).click();
    await expect
      .poll(() => page.getByTestId('test-call-state').textContent(), { timeout: 60_000 })
      .toBe('completed');
    await page.getByRole('link', { name: 'Calls' }).click();
    await page.getByTestId('calls-table').getByRole('button', { name: '+919800000044' }).click();
    const session = page.getByTestId('bot-session').first();
    await expect
      .poll(() => session.getByTestId('transcript').textContent(), { timeout: 20_000 })
      .toMatch(/Sorry for the trouble/i);

    await session.getByRole('button', { name: 'Make QA scenario' }).click();
    const make = session.getByRole('group', { name: 'Make a QA scenario from this call' });
    expect(await make.getByLabel('Into suite').locator('option').first().textContent()).toMatch(
      /^recorded-calls \(new\)/,
    );
    await make.getByRole('button', { name: 'Create scenario' }).click();

    // The QA page, the new suite open, the draft in the editor: the call's recording as the human
    // caller, its step and what the bot said then.
    await page.getByRole('heading', { name: 'QA', level: 1 }).waitFor();
    const editor = page.getByLabel(/^call-\d{4}-\d{2}-\d{2}-\w+\.yaml/);
    await expect.poll(() => editor.inputValue(), { timeout: 15_000 }).toMatch(/human:\n {2}session: \w+/);
    const text = await editor.inputValue();
    // What the bot recognised (the sandbox speaks "no"; the grammar may hear "nope").
    expect(text).toMatch(/- say: no\w*\n {4}expect:\n {6}says: .*[Ss]orry for the trouble/);
    expect(text).toMatch(/disposition: wrong_person/);
    await expect
      .poll(() => page.getByRole('button', { name: /^recorded-calls · 1 scenarios · user/ }).count())
      .toBe(1);
    // A user suite: the draft is editable (saved once edited).
    expect(await editor.getAttribute('readonly')).toBeNull();
    expect(await page.getByRole('button', { name: /^Save call-/ }).count()).toBe(1);
    await page.screenshot({ path: artifactPath('qa-from-call.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  // Found in a QA engineer's pass: the bundled suite said "copy its folder under the data folder's
  // qa/suites to edit it", a step the page did not offer.
  it('copies the bundled suite into the user suites, where its scenarios can be edited', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(serve.url.replace(/\/?(\?|$)/, '/$1') + '#/qa');
    await page.getByRole('button', { name: /^appointment · \d+ scenarios · bundled/ }).click();
    const copy = page.getByRole('group', { name: 'Copy this suite' });
    await copy.getByLabel('New suite name').fill('clinic');
    await copy.getByRole('button', { name: 'Copy to my suites' }).click();
    // The copy is listed as the user's and opened; its scenarios are editable.
    await page.getByRole('button', { name: /^clinic · 9 scenarios · user/, pressed: true }).waitFor();
    await page.getByRole('button', { name: 'confirm.yaml', exact: true }).click();
    const editor = page.getByLabel(/^confirm\.yaml/);
    await expect.poll(() => editor.inputValue()).toMatch(/^name: Confirm the appointment/);
    expect(await editor.getAttribute('readonly')).toBeNull();
    await editor.fill(
      (await editor.inputValue()).replace('name: Confirm the appointment', 'name: Confirm it'),
    );
    await page.getByRole('button', { name: 'Save confirm.yaml' }).click();
    await expect.poll(() => page.getByTestId('scenario-confirm.yaml').textContent()).toContain('Confirm it');
    // The same name again is refused, saying why.
    await page.getByRole('button', { name: /^appointment · \d+ scenarios · bundled/ }).click();
    await copy.getByLabel('New suite name').fill('clinic');
    await copy.getByRole('button', { name: 'Copy to my suites' }).click();
    await expect
      .poll(() => copy.getByRole('alert').textContent())
      .toMatch(/a suite named "clinic" already exists/);
    await page.screenshot({ path: artifactPath('qa-copy-suite.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
