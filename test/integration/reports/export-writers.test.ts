import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallStatsQuery } from '../../../src/main/core/calls';
import { CALL_COLUMNS, csvWriter, xlsxWriter } from '../../../src/main/core/reports';
import { HOSTILE_CELLS, seedCampaignCalls, seedList, seedQaRun } from '../../helpers/export-seed';
import { makeExportRig, parseCsv, readXlsx, readZip } from './export-rig';

/** Starts a spreadsheet would run as a formula (ASCII and full-width). */
const FORMULA_START = /^[=+\-@\t\r\0＝＋－＠]/;

/** Nearest-rank percentile, written here independently of the code under test. */
const nearest = (sorted: number[], q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];

let rig: ReturnType<typeof makeExportRig>;
beforeEach(() => {
  rig = makeExportRig();
});
afterEach(() => rig.cleanup());

interface DbCall {
  id: string;
  duration_sec: number | null;
  created_at: string;
  state: string;
}

function dbCalls(campaignId: string): DbCall[] {
  return rig.db
    .prepare<[string], DbCall>(
      'SELECT id, duration_sec, created_at, state FROM call_attempts WHERE campaign_id = ? ORDER BY created_at, rowid',
    )
    .all(campaignId);
}

function dbLatency(attemptId: string): number[] {
  return rig.db
    .prepare<[string], { v: number }>(
      `SELECT m.voice_to_voice_ms AS v FROM voicebot_turn_metrics m JOIN voicebot_sessions s ON s.id = m.session_id
       WHERE s.attempt_id = ? ORDER BY v`,
    )
    .all(attemptId)
    .map((r) => r.v);
}

async function seedHostileCampaign() {
  const listId = seedList(rig.db, 'March dues');
  seedCampaignCalls(rig.db, {
    campaignId: 'c-hostile',
    listId,
    calls: 36,
    hostile: true,
    createdBy: 'creator',
  });
  await rig.audited('asha', 'campaigns.start', 'campaign:c-hostile');
  return listId;
}

/** Every text cell of every sheet: none may start like a formula. */
function expectNoFormulaCells(sheets: Record<string, unknown[][]>) {
  let texts = 0;
  for (const rows of Object.values(sheets))
    for (const row of rows)
      for (const cell of row)
        if (typeof cell === 'string') {
          texts += 1;
          expect(cell, JSON.stringify(cell)).not.toMatch(FORMULA_START);
        }
  expect(texts).toBeGreaterThan(100);
}

describe('XLSX export', () => {
  it('writes Calls, Turns, QA verdicts and Summary with every number as in the database', async () => {
    await seedHostileCampaign();
    const { out, progress, summary } = await rig.write(xlsxWriter, {
      kind: 'campaign',
      campaignId: 'c-hostile',
    });
    const sheets = readXlsx(out);
    expect(Object.keys(sheets)).toEqual(['Calls', 'Turns', 'QA verdicts', 'Summary']);

    const calls = sheets.Calls!;
    expect(calls[0]).toEqual(CALL_COLUMNS.map((c) => c.header));
    const col = (h: string) => CALL_COLUMNS.findIndex((c) => c.header === h);
    const db = dbCalls('c-hostile');
    expect(calls.length - 1).toBe(db.length);
    db.forEach((d, i) => {
      const row = calls[i + 1]!;
      expect(row[col('Attempt id')]).toBe(d.id);
      expect(row[col('Duration (s)')]).toBe(d.duration_sec);
      expect(row[col('State')]).toBe(d.state);
      expect(row[col('Operator')]).toBe('asha');
      // A time is a date cell, at the database's second.
      expect(row[col('Created (UTC)')]).toBeInstanceOf(Date);
      expect(Math.round((row[col('Created (UTC)')] as Date).getTime() / 1000)).toBe(
        Date.parse(d.created_at) / 1000,
      );
      const v = dbLatency(d.id);
      expect(row[col('Latency P50 (ms)')]).toBe(v.length ? nearest(v, 0.5) : null);
      expect(row[col('Latency P95 (ms)')]).toBe(v.length ? nearest(v, 0.95) : null);
      // Hostile names arrive as text with the apostrophe in front.
      const name = HOSTILE_CELLS[i % HOSTILE_CELLS.length]!;
      expect(row[col('Contact')]).toBe(`'${name}`);
    });

    const turns = rig.db
      .prepare(
        `SELECT count(*) AS n FROM voicebot_lines l JOIN voicebot_sessions s ON s.id = l.session_id
         JOIN call_attempts a ON a.id = s.attempt_id WHERE a.campaign_id = 'c-hostile'`,
      )
      .get() as { n: number };
    expect(sheets.Turns!.length - 1).toBe(turns.n);
    expect(sheets['QA verdicts']!.length).toBe(1);

    // The summary's numbers are the dashboard's (the same query), as numbers.
    const stats = new CallStatsQuery(rig.db).stats('c-hostile');
    const value = (metric: string) => sheets.Summary!.find((r) => r[0] === metric)?.[1];
    expect(value('Calls (attempts)')).toBe(stats.total);
    expect(value('Answered')).toBe(stats.answered);
    expect(value('Answer rate')).toBeCloseTo(stats.answerRate!, 12);
    expect(value('Talk time P50 (s)')).toBe(stats.talkTimeSec!.p50);
    expect(value('Talk time P95 (s)')).toBe(stats.talkTimeSec!.p95);
    expect(value('Transfers to an agent')).toBe(stats.transfers);
    expect(value('Voice-to-voice latency P95 (ms)')).toBe(stats.latency!.p95);
    for (const o of stats.byOutcome) expect(value(`Outcome: ${o.outcome}`)).toBe(o.count);
    expect(summary.counts.calls).toBe(db.length);

    expectNoFormulaCells(sheets);
    expect(progress.at(-1)).toBe(summary.counts.calls + summary.counts.turns + sheets.Summary!.length - 1);
  });

  it('exports a QA run: verdicts with failure kinds and reasons, its turns, counts by verdict', async () => {
    seedQaRun(rig.db, 'run-1', 6, true);
    const { out } = await rig.write(xlsxWriter, { kind: 'qa_run', runId: 'run-1' });
    const sheets = readXlsx(out);
    const verdicts = sheets['QA verdicts']!;
    expect(verdicts.length - 1).toBe(6);
    const failed = verdicts.find((r) => r[6] === 'failed')!;
    expect(failed[8]).toBe('wrong_reply; slow_reply');
    expect(failed[9]).toBe('turn 1: says.contains "cancelled" → =1+1; turn 1: within_ms 1500 → 2100 ms');
    // A hostile scenario name is neutralised like every text cell.
    expect(verdicts[1]![2]).toBe("'-scenario 0");
    // Greeting: the bot's line; turn 1: the caller's and the bot's (as transcribed).
    expect(sheets.Turns!.length - 1).toBe(6 * 3);
    expect(sheets.Turns![3]).toEqual([`run-1-s0`, 'bot', "'@SUM(1)", 3700]);
    const value = (metric: string) => sheets.Summary!.find((r) => r[0] === metric)?.[1];
    expect(value('QA verdict: passed')).toBe(2);
    expect(value('QA verdict: failed')).toBe(2);
    expect(value('QA verdict: no_verdict')).toBe(2);
    expect(sheets.Calls!.length).toBe(1);
    expectNoFormulaCells(sheets);
  });

  it('a date range takes every campaign’s calls created in it, the end excluded', async () => {
    const listId = seedList(rig.db, 'L');
    const start = Date.parse('2026-11-20T00:00:00.000Z');
    seedCampaignCalls(rig.db, { campaignId: 'a', listId, calls: 30, startMs: start });
    seedCampaignCalls(rig.db, { campaignId: 'b', listId, calls: 30, startMs: start + 86_400_000 });
    // 2026-11-20 as a date covers the whole day: campaign a only (its 30 calls span 5 minutes).
    const day = await rig.write(xlsxWriter, { kind: 'range', from: '2026-11-20', to: '2026-11-20' });
    expect(readXlsx(day.out).Calls!.length - 1).toBe(30);
    // Times: from inclusive, to exclusive (calls every 10 s from 00:00:00 of the 21st).
    const cut = await rig.write(xlsxWriter, {
      kind: 'range',
      from: '2026-11-20T00:04:50Z',
      to: '2026-11-21T00:00:10Z',
    });
    const ids = readXlsx(cut.out)
      .Calls!.slice(1)
      .map((r) => r[0]);
    expect(ids).toEqual(['a-a000029', 'b-a000000']);
    const stats = new CallStatsQuery(rig.db).stats({
      from: '2026-11-20T00:04:50.000Z',
      to: '2026-11-21T00:00:10.000Z',
    });
    expect(cut.summary.calls?.total).toBe(2);
    expect(cut.summary.calls).toEqual(stats);
  });
  it('names who placed a test call: the placeTestCall row written after its attempt', async () => {
    const created = new Date(Date.now() - 1000).toISOString();
    rig.db
      .prepare(
        `INSERT INTO call_attempts (id, number, mode, provider, custom_field, state, duration_sec, created_at, updated_at)
         VALUES ('test-1', '+919812345678', 'stream', 'sandbox', '{}', 'completed', 12, ?, ?)`,
      )
      .run(created, created);
    // The Api writes its row when the call returns, after the attempt's.
    await rig.audited('ravi', 'telephony.placeTestCall', 'test-call:9812345678');
    const day = created.slice(0, 10);
    const { out } = await rig.write(xlsxWriter, { kind: 'range', from: day, to: day });
    const calls = readXlsx(out).Calls!;
    const col = (h: string) => CALL_COLUMNS.findIndex((c) => c.header === h);
    expect(calls.length).toBe(2);
    expect(calls[1]![col('Operator')]).toBe('ravi');
    expect(calls[1]![col('Campaign')]).toBeNull();
    expect(calls[1]![col('Number')]).toBe("'+919812345678");
  });
});

describe('CSV export', () => {
  it('zips one UTF-8 CSV per sheet with a BOM, RFC 4180 quoting, numbers as in the database', async () => {
    await seedHostileCampaign();
    seedQaRun(rig.db, 'run-1', 3, true);
    const { out } = await rig.write(csvWriter, { kind: 'campaign', campaignId: 'c-hostile' });
    const files = await readZip(out);
    expect([...files.keys()]).toEqual(['calls.csv', 'turns.csv', 'qa_verdicts.csv', 'summary.csv']);
    for (const text of files.values()) expect(text.startsWith('\uFEFF')).toBe(true);

    const calls = parseCsv(files.get('calls.csv')!);
    expect(calls[0]).toEqual(CALL_COLUMNS.map((c) => c.header));
    const col = (h: string) => CALL_COLUMNS.findIndex((c) => c.header === h);
    const db = dbCalls('c-hostile');
    expect(calls.length - 1).toBe(db.length);
    db.forEach((d, i) => {
      const row = calls[i + 1]!;
      expect(row[col('Attempt id')]).toBe(d.id);
      expect(row[col('Duration (s)')]).toBe(d.duration_sec === null ? '' : String(d.duration_sec));
      expect(row[col('Created (UTC)')]).toBe(d.created_at);
      const v = dbLatency(d.id);
      expect(row[col('Latency P95 (ms)')]).toBe(v.length ? String(nearest(v, 0.95)) : '');
      // Every hostile cell, quotes, comma and line break included, reads back whole, neutralised.
      expect(row[col('Contact')]).toBe(`'${HOSTILE_CELLS[i % HOSTILE_CELLS.length]!}`);
    });
    for (const [name, text] of files) {
      for (const row of parseCsv(text))
        for (const cell of row) expect(cell, `${name}: ${JSON.stringify(cell)}`).not.toMatch(FORMULA_START);
    }
    // Indian-language text survives as UTF-8.
    const stats = new CallStatsQuery(rig.db).stats('c-hostile');
    const summary = parseCsv(files.get('summary.csv')!);
    expect(summary.find((r) => r[0] === 'Answered')?.[1]).toBe(String(stats.answered));
    expect(summary.find((r) => r[0] === 'Answer rate')?.[1]).toBe(String(stats.answerRate));
  });

  it('keeps Indian-language text and stops when cancelled, leaving the caller to remove the file', async () => {
    const listId = seedList(rig.db, 'L');
    seedCampaignCalls(rig.db, { campaignId: 'c', listId, calls: 12 });
    const files = await readZip((await rig.write(csvWriter, { kind: 'campaign', campaignId: 'c' })).out);
    expect(parseCsv(files.get('calls.csv')!)[1]![2]).toBe('Customer 0 — ग्राहक');
    expect(parseCsv(files.get('turns.csv')!)[2]![2]).toBe('हाँ, yes');

    seedCampaignCalls(rig.db, { campaignId: 'big', listId, calls: 3000 });
    const abort = new AbortController();
    abort.abort();
    await expect(rig.write(csvWriter, { kind: 'campaign', campaignId: 'big' }, abort.signal)).rejects.toThrow(
      /cancelled/,
    );
    await expect(
      rig.write(xlsxWriter, { kind: 'campaign', campaignId: 'big' }, abort.signal),
    ).rejects.toThrow(/cancelled/);
    expect(fs.existsSync(rig.dir)).toBe(true);
  });
});
