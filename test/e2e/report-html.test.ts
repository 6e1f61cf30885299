import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  htmlWriter,
  writeHtmlReport,
  type HtmlReportOptions,
} from '../../src/main/core/reports/html/html-writer';
import { launchChromium } from '../helpers/browser';
import { audioDuration } from './helpers/audio';
import { seedCampaignCalls, seedList, seedQaRun } from '../helpers/export-seed';
import { makeExportRig } from '../integration/reports/export-rig';

// The HTML export as an auditor opens it: a file from disk in Chromium, nothing fetched, every
// number as the database holds it, recordings that play, and customers' text that never runs.

/** What a customer's spreadsheet, a caller or an LLM could put in a name or a transcript. */
const HOSTILE_NAME = '<script>window.__pwned = "name"</script><img src=x onerror="window.__pwned=1">Asha';
const HOSTILE_SPEECH = '</td></tr><script>window.__pwned = "speech"</script> & "quoted" \'too\'';
const CAMPAIGN = 'camp-html';

let rig: ReturnType<typeof makeExportRig>;
let browser: Browser;
beforeAll(async () => {
  rig = makeExportRig();
  seedCampaignCalls(rig.db, {
    campaignId: CAMPAIGN,
    campaignName: 'March renewals',
    listId: seedList(rig.db, 'March list'),
    calls: 14,
    recordingsDir: path.join(rig.dir, 'recordings'),
    name: (i) => (i === 0 ? HOSTILE_NAME : `Customer ${i}`),
    callerText: (i) => (i === 0 ? HOSTILE_SPEECH : 'yes'),
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rig?.cleanup();
});

async function writeReport(options: HtmlReportOptions = {}): Promise<string> {
  return (await rig.write(htmlWriter(options), { kind: 'campaign', campaignId: CAMPAIGN })).out;
}

/** Opens the file; every request that is not the file itself or inline data is recorded. */
async function open(file: string): Promise<{ page: Page; requests: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const requests: string[] = [];
  context.on('request', (r) => {
    if (!r.url().startsWith('data:') && !r.url().startsWith('file:')) requests.push(r.url());
  });
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  return { page, requests, close: () => context.close() };
}

const rows = <T>(sql: string, ...params: unknown[]): T[] => rig.db.prepare(sql).all(...params) as T[];

/** Nearest-rank percentile, as the dashboard computes it. */
const nearestRank = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

/** Loads the first player matching `selector` and gives its recording's length in seconds. */
const durationOf = (page: Page, selector: string) => audioDuration(page.locator(selector).first());

describe('HTML export (self-contained report)', () => {
  it('shows every number as the database holds it, with nothing fetched and no script run', async () => {
    const file = await writeReport();
    const { page, requests, close } = await open(file);
    try {
      expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();

      // Summary and charts against the attempts table.
      const byState = rows<{ state: string; n: number }>(
        'SELECT state, count(*) AS n FROM call_attempts WHERE campaign_id = ? GROUP BY state',
        CAMPAIGN,
      );
      const total = byState.reduce((a, r) => a + r.n, 0);
      const metric = (m: string) => page.locator(`tr[data-metric="${m}"] td`).getAttribute('data-value');
      expect(await metric('Calls (attempts)')).toBe(String(total));
      const answered = rows<{ n: number }>(
        'SELECT count(*) AS n FROM call_attempts WHERE campaign_id = ? AND answered_at IS NOT NULL',
        CAMPAIGN,
      )[0]!.n;
      expect(await metric('Answered')).toBe(String(answered));
      for (const { state, n } of byState) {
        expect(await metric(`Outcome: ${state}`)).toBe(String(n));
        expect(
          await page.locator(`#chart-outcomes g[data-label="${state}"]`).getAttribute('data-value'),
        ).toBe(String(n));
      }
      expect(Number(await page.locator('#chart-answer-rate').getAttribute('data-value'))).toBeCloseTo(
        answered / total,
      );
      expect(await page.locator('tr[data-metric="Answer rate"] td').textContent()).toBe(
        `${((100 * answered) / total).toFixed(1)}%`,
      );
      const v2v = rows<{ v: number }>(
        `SELECT m.voice_to_voice_ms AS v FROM voicebot_turn_metrics m JOIN voicebot_sessions s ON s.id = m.session_id
         JOIN call_attempts a ON a.id = s.attempt_id WHERE a.campaign_id = ? ORDER BY v`,
        CAMPAIGN,
      ).map((r) => r.v);
      for (const [label, q] of [
        ['P50', 0.5],
        ['P95', 0.95],
      ] as const)
        expect(await page.locator(`#chart-latency g[data-label="${label}"]`).getAttribute('data-value')).toBe(
          String(nearestRank(v2v, q)),
        );

      // The calls table: one row per attempt, in order, with the attempt's values.
      const db = rows<{ id: string; state: string; d: number | null }>(
        'SELECT id, state, duration_sec AS d FROM call_attempts WHERE campaign_id = ? ORDER BY created_at, rowid',
        CAMPAIGN,
      );
      const table = await page.$$eval('table.calls tbody tr', (trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute('data-attempt'),
          contact: tr.querySelector('[data-col="Contact"]')?.textContent,
          state: tr.querySelector('[data-col="State"]')?.textContent,
          duration: tr.querySelector('[data-col="Duration (s)"]')?.textContent,
        })),
      );
      expect(table.map((r) => r.id)).toEqual(db.map((r) => r.id));
      expect(table.map((r) => r.state)).toEqual(db.map((r) => r.state));
      expect(table.map((r) => r.duration)).toEqual(db.map((r) => (r.d === null ? '' : String(r.d))));
      expect(table[0]!.contact).toBe(HOSTILE_NAME);

      // Each call's section: its transcript line for line, its latency, one player when it was answered.
      for (const { id } of db) {
        const section = page.locator(`section.call[data-attempt="${id}"]`);
        const lines = rows<{ text: string }>(
          `SELECT l.text FROM voicebot_lines l JOIN voicebot_sessions s ON s.id = l.session_id
           WHERE s.attempt_id = ? ORDER BY l.seq`,
          id,
        ).map((l) => l.text);
        expect(await section.locator('table.transcript tbody td:nth-child(3)').allTextContents()).toEqual(
          lines,
        );
        const mine = rows<{ v: number }>(
          `SELECT m.voice_to_voice_ms AS v FROM voicebot_turn_metrics m JOIN voicebot_sessions s ON s.id = m.session_id
           WHERE s.attempt_id = ? ORDER BY v`,
          id,
        ).map((r) => r.v);
        if (mine.length > 0)
          expect(await section.locator('dl.facts').textContent()).toContain(
            `P50 ${nearestRank(mine, 0.5)} ms · P95 ${nearestRank(mine, 0.95)} ms`,
          );
        expect(await section.locator('audio').count()).toBe(lines.length > 0 ? 1 : 0);
        // The timeline bar: ringing, the conversation when answered, a tick per transcript line.
        const chart = section.locator('svg.timeline-chart');
        expect(await chart.count()).toBe(1);
        expect(await chart.locator('rect.talk').count()).toBe(lines.length > 0 ? 1 : 0);
        expect(await chart.locator('line.mark').count()).toBe(lines.length);
      }
      expect(await page.locator('section.call').first().textContent()).toContain(HOSTILE_SPEECH);

      // A player loads its (embedded) recording: half a second of audio.
      expect(await page.locator('audio').first().getAttribute('src')).toMatch(/^data:audio\/wav;base64,/);
      expect(await durationOf(page, 'audio')).toBeGreaterThan(0.4);
      expect(await page.locator('#recordings-note').textContent()).toContain('embedded in this file');
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  });

  it('puts recordings in the folder beside the file, by choice or past the embedding limit', async () => {
    const mixes = rows<{ mix: string }>(
      `SELECT s.mix_wav AS mix FROM voicebot_sessions s JOIN call_attempts a ON a.id = s.attempt_id
       WHERE a.campaign_id = ?`,
      CAMPAIGN,
    );
    const wavBytes = fs.statSync(mixes[0]!.mix).size;
    for (const [options, embedded] of [
      [{ audio: 'folder' as const }, 0],
      [{ audio: 'embed' as const, embedLimitBytes: wavBytes * 2 }, 2],
    ] as const) {
      const file = await writeReport(options);
      const filesDir = file.replace(/\.html$/, '_files');
      expect(fs.readdirSync(filesDir)).toHaveLength(mixes.length - embedded);
      const { page, requests, close } = await open(file);
      try {
        const srcs = await page.$$eval('audio', (as) => as.map((a) => a.getAttribute('src') ?? ''));
        expect(srcs.filter((s) => s.startsWith('data:'))).toHaveLength(embedded);
        const fromFolder = `audio[src^="${path.basename(filesDir)}/"]`;
        expect(await page.locator(fromFolder).count()).toBe(mixes.length - embedded);
        expect(await durationOf(page, fromFolder)).toBeGreaterThan(0.4);
        expect(await page.locator('#recordings-note').textContent()).toContain(`${path.basename(filesDir)}/`);
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    }
  });

  it('reports a QA run: its verdicts chart, each scenario run with its verdict, reasons and transcript', async () => {
    const runId = seedQaRun(rig.db, 'qa-html', 6);
    const file = (await rig.write(htmlWriter(), { kind: 'qa_run', runId })).out;
    const { page, requests, close } = await open(file);
    try {
      const runs = rows<{ id: string; verdict: string; evaluation: string }>(
        'SELECT id, verdict, evaluation FROM qa_scenario_runs WHERE run_id = ? ORDER BY seq',
        runId,
      );
      const sections = page.locator('section.scenario');
      expect(await sections.count()).toBe(runs.length);
      for (const verdict of ['passed', 'failed', 'no_verdict'])
        expect(
          await page.locator(`#chart-verdicts g[data-label="${verdict}"]`).getAttribute('data-value'),
        ).toBe(String(runs.filter((r) => r.verdict === verdict).length));
      for (const [k, r] of runs.entries()) {
        const section = sections.nth(k);
        expect(await section.getAttribute('data-scenario-run')).toBe(r.id);
        expect(await section.locator('h3 span').textContent()).toBe(r.verdict);
        const e = JSON.parse(r.evaluation) as {
          failures: { expectation: string; actual: string }[];
          judged: { verdict: string; reasoning: string }[];
        };
        const reasons = await section.locator('ul.reasons li').allTextContents();
        expect(reasons).toHaveLength(e.failures.length + e.judged.filter((j) => j.verdict !== 'pass').length);
        for (const f of e.failures)
          expect(reasons.some((t) => t.includes(`${f.expectation} → ${f.actual}`))).toBe(true);
        for (const j of e.judged) expect(reasons.some((t) => t.includes(j.reasoning))).toBe(true);
        // The caller's line and the bot's heard reply of each turn the caller spoke in, the greeting's reply too.
        expect(await section.locator('table.transcript tbody tr').count()).toBe(3);
      }
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  });

  it('cut into parts for printing, each part is a whole document and together they hold every row and section once', async () => {
    const partFile = (n: number) => path.join(rig.dir, `parts-${n}.html`);
    let files: string[] = [];
    const parted = {
      extension: 'html',
      mime: 'text/html',
      write: async (
        ...[source, out, progress, signal]: Parameters<ReturnType<typeof htmlWriter>['write']>
      ) => {
        files = await writeHtmlReport(
          source,
          out,
          { audio: 'none', parts: { file: partFile, budget: 40 } },
          (done, total) => progress({ done, total }),
          signal,
        );
      },
    };
    await rig.write(parted, { kind: 'campaign', campaignId: CAMPAIGN });
    const total = rows<{ n: number }>(
      'SELECT count(*) AS n FROM call_attempts WHERE campaign_id = ?',
      CAMPAIGN,
    )[0]!.n;
    expect(files.length).toBeGreaterThan(2);
    let tableRows = 0;
    const sections: string[] = [];
    for (const file of files) {
      const { page, requests, close } = await open(file);
      try {
        expect(await page.locator('h1').count()).toBe(1);
        tableRows += await page.locator('table.calls tbody tr').count();
        sections.push(...(await page.locator('section.call').evaluateAll((s) => s.map((e) => e.id))));
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    }
    expect(tableRows).toBe(total);
    expect(sections).toHaveLength(total);
    expect(new Set(sections).size).toBe(total);
  });

  it('stops when the export is cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      rig.write(htmlWriter(), { kind: 'campaign', campaignId: CAMPAIGN }, abort.signal),
    ).rejects.toThrow();
  });
});
