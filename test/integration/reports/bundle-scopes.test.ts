import path from 'node:path';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_TOOL, openDatabase } from '../../../src/main/core';
import { verifyBundleFile, type BundleVerifyResult } from '../../../src/main/core/reports';
import { runVerifyBundleCommand } from '../../../src/main/server/commands/audit-bundle';
import type { Db } from '../../../src/main/core/store';
import type { JobInfo } from '../../../src/shared/jobs';
import type { ExportFormat, ExportResult, ExportScopeInput, ReportAudio } from '../../../src/shared/reports';
import { ok, untilAsync } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';
import { seedCampaignCalls, seedList, seedQaRun } from '../../helpers/export-seed';
import { readZip } from './bundle-rig';

// Audit bundles of the other scopes (a QA run, a date range of calls) on seeded data: each one is
// complete, verifies, and its audit slice holds the export's own start row.

let t: Awaited<ReturnType<typeof makeTestCore>>;
let db: Db;
beforeEach(async () => {
  t = await makeTestCore({ profile: DATA_TOOL });
  db = openDatabase(t.core.info.databasePath);
});
afterEach(async () => {
  db.close();
  await t.cleanup();
});

async function exportBundle(scope: ExportScopeInput): Promise<string> {
  return exportAs(scope, 'bundle');
}

async function exportAs(scope: ExportScopeInput, format: ExportFormat, audio?: ReportAudio): Promise<string> {
  const { jobId } = ok<{ jobId: string }>(
    await t.core.invoke('reports.export', { scope, format, ...(audio ? { audio } : {}) }),
  );
  const job = await untilAsync(async () => {
    const j = ok<JobInfo>(await t.core.invoke('jobs.get', { jobId }));
    return j.state === 'running' ? undefined : j;
  }, 60_000);
  expect(job.error).toBeNull();
  expect(job.progress.done).toBe(job.progress.total);
  const file = path.join(t.dir, 'exports', `${jobId}-${(job.result as ExportResult).name}`);
  expect(fs.existsSync(file)).toBe(true);
  return file;
}

/** Each QA scenario run's section in an HTML report: its players' sources, in order. */
function players(html: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of html.matchAll(
    /<section class="scenario" data-scenario-run="([^"]+)">([\s\S]*?)<\/section>/g,
  ))
    out[m[1]!] = [...m[2]!.matchAll(/<audio [^>]*src="([^"]+)"/g)].map((a) => decodeURIComponent(a[1]!));
  return out;
}

describe('audit bundles of a QA run and of a date range', () => {
  it('a QA run: the verdicts in the report, one transcript per scenario run, verified', async () => {
    seedQaRun(db, 'run-1', 3);
    const file = await exportBundle({ kind: 'qa_run', runId: 'run-1' });
    expect(await verifyBundleFile(file)).toMatchObject({ ok: true, problems: [] });
    const names = (await readZip(file)).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['report/report.xlsx', 'calls.jsonl', 'audit/rows.jsonl']));
    expect(names.filter((n) => n.startsWith('transcripts/'))).toHaveLength(3);
    const rows = (await readZip(file)).find((e) => e.name === 'audit/rows.jsonl')!.data.toString();
    expect(rows).toContain('"subject":"qa_run:run-1"');
  });

  it("a QA run: each scenario run's caller and bot audio copied byte for byte, listed in qa_runs.jsonl; a file gone is said", async () => {
    seedQaRun(db, 'run-2', 3, false, t.dir);
    const gone = path.join(t.dir, 'qa', 'runs', 'run-2', 'run-2-s2-bot.wav');
    fs.rmSync(gone);
    const file = await exportBundle({ kind: 'qa_run', runId: 'run-2' });
    expect(await verifyBundleFile(file)).toMatchObject({ ok: true, problems: [] });
    const entries = await readZip(file);
    const audio = entries.filter((e) => e.name.startsWith('recordings/qa/'));
    expect(audio.map((e) => e.name).sort()).toEqual([
      'recordings/qa/run-2-s0-bot.wav',
      'recordings/qa/run-2-s0-caller.wav',
      'recordings/qa/run-2-s1-bot.wav',
      'recordings/qa/run-2-s1-caller.wav',
      'recordings/qa/run-2-s2-caller.wav',
    ]);
    for (const e of audio)
      expect(
        e.data.equals(fs.readFileSync(path.join(t.dir, 'qa', 'runs', 'run-2', path.basename(e.name)))),
      ).toBe(true);
    const lines = entries
      .find((e) => e.name === 'qa_runs.jsonl')!
      .data.toString()
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            scenarioRunId: string;
            verdict: string;
            recordings: unknown[];
            transcript: string;
          },
      );
    expect(lines.map((l) => [l.scenarioRunId, l.verdict, l.transcript])).toEqual([
      ['run-2-s0', 'passed', 'transcripts/run-2-s0.txt'],
      ['run-2-s1', 'failed', 'transcripts/run-2-s1.txt'],
      ['run-2-s2', 'no_verdict', 'transcripts/run-2-s2.txt'],
    ]);
    expect(lines[2]!.recordings).toEqual([
      { channel: 'caller', path: 'recordings/qa/run-2-s2-caller.wav' },
      { channel: 'bot', path: null, missingAtExport: true },
    ]);
    // The bundle's HTML report plays those copies in each scenario run's section.
    const html = entries.find((e) => e.name === 'report/report.html')!.data.toString('utf8');
    expect(players(html)).toEqual({
      'run-2-s0': ['../recordings/qa/run-2-s0-caller.wav', '../recordings/qa/run-2-s0-bot.wav'],
      'run-2-s1': ['../recordings/qa/run-2-s1-caller.wav', '../recordings/qa/run-2-s1-bot.wav'],
      'run-2-s2': ['../recordings/qa/run-2-s2-caller.wav'],
    });
  });

  it("a QA run's HTML report has players for each scenario run's caller and bot audio, embedded or in a folder", async () => {
    seedQaRun(db, 'run-3', 2, false, t.dir);
    const wav = (id: string, channel: string) =>
      fs.readFileSync(path.join(t.dir, 'qa', 'runs', 'run-3', `${id}-${channel}.wav`));
    const embedded = players(
      fs.readFileSync(await exportAs({ kind: 'qa_run', runId: 'run-3' }, 'html'), 'utf8'),
    );
    expect(Object.keys(embedded)).toEqual(['run-3-s0', 'run-3-s1']);
    for (const [id, srcs] of Object.entries(embedded))
      expect(srcs.map((s) => Buffer.from(s.replace(/^data:audio\/wav;base64,/, ''), 'base64'))).toEqual([
        wav(id, 'caller'),
        wav(id, 'bot'),
      ]);
    // --audio folder: one zip of the report and its folder, the players linking into it.
    const zip = await readZip(await exportAs({ kind: 'qa_run', runId: 'run-3' }, 'html', 'folder'));
    const report = zip.find((e) => e.name.endsWith('.html'))!;
    const folder = `${report.name.replace(/\.html$/, '')}_files`;
    const linked = players(report.data.toString('utf8'));
    for (const [id, srcs] of Object.entries(linked)) {
      expect(srcs).toHaveLength(2);
      srcs.forEach((src, i) => {
        expect(src.startsWith(`${folder}/`)).toBe(true);
        expect(zip.find((e) => e.name === src)!.data.equals(wav(id, i === 0 ? 'caller' : 'bot'))).toBe(true);
      });
    }
    // A file under qa/runs that links elsewhere on the machine is not read into a report (as a
    // bundle refuses it): that channel has no player.
    const elsewhere = path.join(t.dir, '..', `${path.basename(t.dir)}-elsewhere.wav`);
    fs.copyFileSync(path.join(t.dir, 'qa', 'runs', 'run-3', 'run-3-s1-bot.wav'), elsewhere);
    try {
      fs.rmSync(path.join(t.dir, 'qa', 'runs', 'run-3', 'run-3-s1-bot.wav'));
      fs.symlinkSync(elsewhere, path.join(t.dir, 'qa', 'runs', 'run-3', 'run-3-s1-bot.wav'));
      const linkedOut = players(
        fs.readFileSync(await exportAs({ kind: 'qa_run', runId: 'run-3' }, 'html'), 'utf8'),
      );
      expect(linkedOut['run-3-s0']).toHaveLength(2);
      expect(linkedOut['run-3-s1']).toHaveLength(1);
    } finally {
      fs.rmSync(elsewhere, { force: true });
    }
  });

  it('copies recordings only from the data folder: a path pointing elsewhere is refused and said', async () => {
    const listId = seedList(db, 'March');
    seedCampaignCalls(db, {
      campaignId: 'c1',
      listId,
      calls: 2,
      recordingsDir: path.join(t.dir, 'recordings'),
    });
    // A database edited to point a call's recordings at another file on the machine.
    const elsewhere = path.join(t.dir, '..', `${path.basename(t.dir)}-elsewhere`);
    seedCampaignCalls(db, {
      campaignId: 'c2',
      listId,
      calls: 1,
      recordingsDir: elsewhere,
      startMs: Date.parse('2026-11-21T09:00:00Z'),
    });
    try {
      const own = await readZip(await exportBundle({ kind: 'campaign', campaignId: 'c1' }));
      expect(own.filter((e) => e.name.startsWith('recordings/')).length).toBeGreaterThanOrEqual(2);
      const file = await exportBundle({ kind: 'campaign', campaignId: 'c2' });
      const entries = await readZip(file);
      expect(entries.filter((e) => e.name.startsWith('recordings/'))).toEqual([]);
      const [call] = entries
        .find((e) => e.name === 'calls.jsonl')!
        .data.toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { recordings: { path: string | null; refused?: string }[] });
      expect(call!.recordings.length).toBeGreaterThan(0);
      for (const r of call!.recordings)
        expect(r).toMatchObject({ path: null, refused: 'outside the recordings folder' });
      const r = await verifyBundleFile(file);
      expect(r.ok).toBe(true);
      expect(
        r.warnings.some((w) => /recording was not copied \(outside the recordings folder\)/.test(w)),
      ).toBe(true);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("verify-bundle --data tells this install's bundle from one signed by another install", async () => {
    seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'March'), calls: 3 });
    const file = await exportBundle({ kind: 'campaign', campaignId: 'c1' });
    const check = async (data: string) => {
      const lines: string[] = [];
      const code = await runVerifyBundleCommand(file, { json: true, data }, (l) => lines.push(l));
      return { code, problems: (JSON.parse(lines[0]!) as BundleVerifyResult).problems.map((p) => p.message) };
    };
    expect(await check(t.dir)).toEqual({ code: 0, problems: [] });
    const other = await makeTestCore({ profile: DATA_TOOL });
    try {
      const { code, problems } = await check(other.dir);
      expect(code).toBe(1);
      expect(problems).toContainEqual(
        expect.stringMatching(
          /^no export in this install's audit log was signed with key [0-9a-f]{64}: the bundle was signed elsewhere/,
        ),
      );
    } finally {
      await other.cleanup();
    }
  });

  it("a campaign that dialled no one still carries its list's provenance", async () => {
    seedCampaignCalls(db, { campaignId: 'c0', listId: seedList(db, 'April'), calls: 0 });
    const file = await exportBundle({ kind: 'campaign', campaignId: 'c0' });
    expect(await verifyBundleFile(file)).toMatchObject({ ok: true, problems: [] });
    const entries = await readZip(file);
    const text = (n: string) => entries.find((e) => e.name === n)!.data.toString();
    expect(text('calls.jsonl')).toBe('');
    expect(JSON.parse(text('provenance/lists.json'))).toEqual([
      expect.objectContaining({ name: 'April', fileName: 'customers.csv', importedBy: 'importer' }),
    ]);
  });

  it('a date range: every call in it, with its list and campaign provenance, verified', async () => {
    seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'March'), calls: 30 });
    const file = await exportBundle({ kind: 'range', from: '2026-11-20', to: '2026-11-20' });
    expect(await verifyBundleFile(file)).toMatchObject({ ok: true, problems: [] });
    const entries = await readZip(file);
    const text = (n: string) => entries.find((e) => e.name === n)!.data.toString();
    expect(text('calls.jsonl').trim().split('\n')).toHaveLength(30);
    expect((JSON.parse(text('provenance/lists.json')) as { name: string }[]).map((l) => l.name)).toEqual([
      'March',
    ]);
    expect((JSON.parse(text('provenance/campaigns.json')) as { id: string }[]).map((c) => c.id)).toEqual([
      'c1',
    ]);
    expect(text('audit/rows.jsonl')).toContain(
      '"subject":"calls:2026-11-20T00:00:00.000Z..2026-11-21T00:00:00.000Z"',
    );
  });
});
