import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallStatsQuery } from '../../../src/main/core/calls';
import * as XLSX from 'xlsx';
import { CALL_COLUMNS, csvWriter, xlsxWriter } from '../../../src/main/core/reports';
import { HOSTILE_CELLS, seedCampaignCalls, seedList, seedQaRun } from '../../helpers/export-seed';
import { makeExportRig, parseCsv, readXlsx, readZip, xlsxFormulaScan } from './export-rig';

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
  price: number | null;
  created_at: string;
  state: string;
}

function dbCalls(campaignId: string): DbCall[] {
  return rig.db
    .prepare<[string], DbCall>(
      'SELECT id, duration_sec, price, created_at, state FROM call_attempts WHERE campaign_id = ? ORDER BY created_at, rowid',
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

/**
 * An XLSX runs nothing: no <f> in any sheet's XML, no cell read back as a formula, and the
 * formula-like text (the hostile corpus among it) arrives as typed text exactly as stored, without
 * CSV's apostrophe, in the Text format (so editing the cell keeps it text).
 */
async function expectNoXlsxFormulas(file: string, corpus: readonly string[]) {
  const scan = await xlsxFormulaScan(file);
  expect(scan.fElements).toBe(0);
  expect(scan.formulaCells).toBe(0);
  expect(scan.textCells.length).toBeGreaterThan(100);
  const formulaLike = scan.textCells.filter((c) => FORMULA_START.test(c.value));
  for (const c of formulaLike) expect(c, JSON.stringify(c.value)).toMatchObject({ type: 's', format: '@' });
  for (const h of corpus) expect(formulaLike.map((c) => c.value)).toContain(h);
  expect(scan.textCells.some((c) => c.value.startsWith("'"))).toBe(false);
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
    // Charged, free and not yet settled prices are all among them.
    expect(
      new Set(db.map((d) => (d.price === null ? 'unsettled' : d.price > 0 ? 'charged' : 'free'))).size,
    ).toBe(3);
    db.forEach((d, i) => {
      const row = calls[i + 1]!;
      expect(row[col('Attempt id')]).toBe(d.id);
      expect(row[col('Duration (s)')]).toBe(d.duration_sec);
      expect(row[col('Price')]).toBe(d.price);
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
      // Hostile names arrive as text exactly as stored: a typed string cell is never a formula.
      expect(row[col('Contact')]).toBe(HOSTILE_CELLS[i % HOSTILE_CELLS.length]);
      expect(row[col('Number')]).toMatch(/^\+9197\d{8}$/);
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
    const spend = db.reduce((sum, d) => sum + (d.price ?? 0), 0);
    expect(value('Spend (carrier prices settled)')).toBeCloseTo(spend, 9);
    expect(value('Finished calls not yet priced')).toBe(db.filter((d) => d.price === null).length);
    for (const o of stats.byOutcome) expect(value(`Outcome: ${o.outcome}`)).toBe(o.count);
    expect(summary.counts.calls).toBe(db.length);

    await expectNoXlsxFormulas(out, HOSTILE_CELLS);
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
    // A hostile scenario name is text as stored, like every text cell.
    expect(verdicts[1]![2]).toBe('-scenario 0');
    // Greeting: the bot's line; turn 1: the caller's and the bot's (as transcribed).
    expect(sheets.Turns!.length - 1).toBe(6 * 3);
    expect(sheets.Turns![3]).toEqual([`run-1-s0`, 'bot', '@SUM(1)', 3700]);
    const value = (metric: string) => sheets.Summary!.find((r) => r[0] === metric)?.[1];
    expect(value('QA verdict: passed')).toBe(2);
    expect(value('QA verdict: failed')).toBe(2);
    expect(value('QA verdict: no_verdict')).toBe(2);
    expect(sheets.Calls!.length).toBe(1);
    await expectNoXlsxFormulas(out, ['-scenario 0', '@SUM(1)']);
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
  it('lists each call’s recordings by session and channel, with their artifacts’ ids', async () => {
    const listId = seedList(rig.db, 'L');
    const [first, , busy] = seedCampaignCalls(rig.db, { campaignId: 'c', listId, calls: 3 });
    // A second session of the first call (a re-connected stream), later, with only a mix.
    rig.db
      .prepare(
        `INSERT INTO voicebot_sessions (id, attempt_id, stream_sid, call_sid, bot_id, sample_rate, started_at,
           turns, mix_wav) VALUES (?, ?, 'stream-2', 'sid-2', 'demo', 8000, '2026-11-20T09:00:30.000Z', 0, ?)`,
      )
      .run(`${first}-s2`, first, '/rec/second-mix.wav');
    const artifact = rig.db.prepare(
      `INSERT INTO artifacts (id, kind, name, mime, size, rel_path, owner, created_at)
       VALUES (?, 'recording', ?, 'audio/wav', 1, ?, ?, '2026-11-20T09:01:00.000Z')`,
    );
    for (const [id, session, channel] of [
      ['art-1', `${first}-s`, 'bot'],
      ['art-2', `${first}-s2`, 'mix'],
      ['art-3', `${first}-s`, 'caller'],
    ] as const)
      artifact.run(
        id,
        `call-${session}-${channel}.wav`,
        `recordings/${id}.wav`,
        `voicebot_session:${session}`,
      );
    const calls = readXlsx((await rig.write(xlsxWriter, { kind: 'campaign', campaignId: 'c' })).out).Calls!;
    const col = (h: string) => CALL_COLUMNS.findIndex((c) => c.header === h);
    expect(calls[1]![col('Attempt id')]).toBe(first);
    // Without a data folder to name them from: by file name (the job names them in the data folder).
    expect(calls[1]![col('Recordings (file names)')]).toBe(
      [
        `caller: ${first}-s-caller.wav`,
        `bot: ${first}-s-bot.wav`,
        `mix: ${first}-s-mix.wav`,
        'mix: second-mix.wav',
      ].join('; '),
    );
    // In the recordings' order: session by start, then caller, bot, mix.
    expect(calls[1]![col('Recording artifact ids')]).toBe('art-3; art-1; art-2');
    // A busy call has no session: no recordings, no latency.
    expect(calls[3]![col('Attempt id')]).toBe(busy);
    expect(calls[3]![col('Recordings (file names)')]).toBeNull();
    expect(calls[3]![col('Latency P50 (ms)')]).toBeNull();
  });

  it('takes each call’s disposition from its latest session that set one and its latency from all its sessions', async () => {
    const listId = seedList(rig.db, 'L');
    // completed, completed, busy, no answer, failed, completed: calls without sessions in between.
    const ids = seedCampaignCalls(rig.db, { campaignId: 'c', listId, calls: 6 });
    const second = ids[1]!;
    const session = rig.db.prepare(
      `INSERT INTO voicebot_sessions (id, attempt_id, stream_sid, call_sid, bot_id, sample_rate, started_at,
         turns, disposition) VALUES (?, ?, ?, 'sid', 'demo', 8000, ?, 0, ?)`,
    );
    const metric = rig.db.prepare(
      `INSERT INTO voicebot_turn_metrics (session_id, turn, input, voice_to_voice_ms, bot_audio_ms)
       VALUES (?, ?, 'speech', ?, 1000)`,
    );
    // Later sessions of the second call (re-connected streams): one sets a disposition, the latest none.
    session.run(`${second}-s2`, second, 'st-2', '2026-11-20T09:00:40.000Z', 'callback');
    session.run(`${second}-s3`, second, 'st-3', '2026-11-20T09:00:50.000Z', null);
    metric.run(`${second}-s2`, 1, 5000);
    metric.run(`${second}-s3`, 1, 1);
    const calls = readXlsx((await rig.write(xlsxWriter, { kind: 'campaign', campaignId: 'c' })).out).Calls!;
    const col = (h: string) => CALL_COLUMNS.findIndex((c) => c.header === h);
    expect(calls.slice(1).map((r) => r[col('Attempt id')])).toEqual(ids);
    expect(calls[2]![col('Disposition')]).toBe('callback');
    for (const [i, id] of ids.entries()) {
      const v = dbLatency(id);
      expect(calls[i + 1]![col('Latency P50 (ms)')], id).toBe(v.length === 0 ? null : nearest(v, 0.5));
      expect(calls[i + 1]![col('Latency P95 (ms)')], id).toBe(v.length === 0 ? null : nearest(v, 0.95));
    }
    expect(dbLatency(second)).toContain(5000);
    expect(calls[2]![col('Latency P95 (ms)')]).toBe(5000);
    // The other calls keep their own sessions' dispositions (the seed's), the busy one none.
    const own = rig.db
      .prepare<[string], string | null>(
        'SELECT disposition FROM voicebot_sessions WHERE attempt_id = ? ORDER BY started_at DESC LIMIT 1',
      )
      .pluck();
    expect(calls[1]![col('Disposition')]).toBe(own.get(ids[0]!));
    expect(calls[6]![col('Disposition')]).toBe(own.get(ids[5]!));
    expect(calls[3]![col('Latency P50 (ms)')]).toBeNull();
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
    // A phone number reads as dialled, without CSV's apostrophe.
    expect(calls[1]![col('Number')]).toBe('+919812345678');
  });

  it('names who placed each of two test calls placed moments apart, by the attempt id in the row', async () => {
    const at = Date.now() - 500;
    const attempt = rig.db.prepare(
      `INSERT INTO call_attempts (id, number, mode, provider, custom_field, state, duration_sec, created_at, updated_at)
       VALUES (?, '+919812300000', 'stream', 'sandbox', '{}', 'completed', 5, ?, ?)`,
    );
    const asha = new Date(at).toISOString();
    const kiran = new Date(at + 10).toISOString();
    attempt.run('test-asha', asha, asha);
    attempt.run('test-kiran', kiran, kiran);
    // Kiran's dial returned first: his row comes before Asha's (time alone would name him for both).
    await rig.audited('kiran', 'telephony.placeTestCall', 'test-call:9812300000', {
      attemptId: 'test-kiran',
    });
    await rig.audited('asha', 'telephony.placeTestCall', 'test-call:9812300000', { attemptId: 'test-asha' });
    const day = asha.slice(0, 10);
    const { out } = await rig.write(xlsxWriter, { kind: 'range', from: day, to: day });
    const calls = readXlsx(out).Calls!;
    const col = (h: string) => CALL_COLUMNS.findIndex((c) => c.header === h);
    const operatorOf = (id: string) => calls.find((r) => r[col('Attempt id')] === id)?.[col('Operator')];
    expect(operatorOf('test-asha')).toBe('asha');
    expect(operatorOf('test-kiran')).toBe('kiran');
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
      expect(row[col('Price')]).toBe(d.price === null ? '' : String(d.price));
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
    // A rate as a fraction to 4 places (the XLSX keeps it exact, shown as a percentage).
    expect(summary.find((r) => r[0] === 'Answer rate')?.[1]).toBe(
      String(Number(stats.answerRate!.toFixed(4))),
    );
  });

  it('rounds what a person reads (whole ms, money to 4 places, rates) and the XLSX shows it so, keeping the exact value', async () => {
    const listId = seedList(rig.db, 'L');
    const [first] = seedCampaignCalls(rig.db, { campaignId: 'c', listId, calls: 12 });
    // Values as they arrive: a latency measured in fractional ms, prices whose sum is not exact.
    rig.db
      .prepare(
        `UPDATE voicebot_turn_metrics SET voice_to_voice_ms = 362.48143100000743
         WHERE session_id = (SELECT id FROM voicebot_sessions WHERE attempt_id = ?)`,
      )
      .run(first);
    rig.db.prepare('UPDATE call_attempts SET price = 0.1 + 0.2 WHERE id = ?').run(first);
    rig.db.prepare('UPDATE call_attempts SET price = 0.1 WHERE price > 0 AND id <> ?').run(first);
    const db = dbCalls('c');
    const spend = db.reduce((s, d) => s + (d.price ?? 0), 0);
    const stats = new CallStatsQuery(rig.db).stats('c');
    expect(String(spend)).toMatch(/\d{6,}/);

    const files = await readZip((await rig.write(csvWriter, { kind: 'campaign', campaignId: 'c' })).out);
    const calls = parseCsv(files.get('calls.csv')!);
    const col = (h: string) => CALL_COLUMNS.findIndex((c) => c.header === h);
    expect(calls[1]![col('Latency P50 (ms)')]).toBe('362');
    expect(calls[1]![col('Price')]).toBe('0.3');
    db.forEach((d, i) =>
      expect(calls[i + 1]![col('Price')]).toBe(d.price === null ? '' : String(Number(d.price.toFixed(4)))),
    );
    const summary = parseCsv(files.get('summary.csv')!);
    const line = (m: string) => summary.find((r) => r[0] === m)?.[1];
    expect(line('Spend (carrier prices settled)')).toBe(String(Number(spend.toFixed(4))));
    expect(line('Answer rate')).toBe(String(Number(stats.answerRate!.toFixed(4))));
    expect(line('Average talk time (s)')).toBe(String(Number(stats.averageDurationSec!.toFixed(1))));
    for (const [name, text] of files)
      for (const row of parseCsv(text))
        for (const cell of row)
          if (/^-?\d+\.\d+$/.test(cell))
            expect(cell.split('.')[1]!.length, `${name}: ${cell}`).toBeLessThanOrEqual(4);

    // XLSX: exact numbers (a sum adds the exact ones), shown through number formats.
    const { out } = await rig.write(xlsxWriter, { kind: 'campaign', campaignId: 'c' });
    const wb = XLSX.read(fs.readFileSync(out), { cellNF: true, dense: true });
    const cell = (sheet: string, r: number, c: number) => wb.Sheets[sheet]!['!data']![r]![c]!;
    expect(cell('Calls', 1, col('Latency P50 (ms)'))).toMatchObject({ v: 362.48143100000743, z: '0' });
    expect(cell('Calls', 1, col('Price'))).toMatchObject({ v: 0.1 + 0.2, z: '0.00##' });
    const summaryRows = wb.Sheets.Summary!['!data']!;
    const metric = (m: string) => summaryRows.find((r) => r[0]?.v === m)![1]!;
    expect(metric('Spend (carrier prices settled)').z).toBe('0.00##');
    expect(metric('Spend (carrier prices settled)').v).toBeCloseTo(spend, 9);
    expect(metric('Answer rate')).toMatchObject({ v: stats.answerRate, z: '0.00%' });
    // A count is a plain number.
    expect(metric('Answered').z ?? 'General').toBe('General');
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
