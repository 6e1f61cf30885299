import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/core';
import { call, withCliCore } from '../../../src/main/server/cli-core';
import { runVerifyBundleCommand } from '../../../src/main/server/commands/audit-bundle';
import { runExportCommand, type ExportCliOptions } from '../../../src/main/server/commands/export';
import type { AuditPage } from '../../../src/shared/audit';
import type { ExportResult } from '../../../src/shared/reports';
import { runCliInProcess } from '../../helpers/cli-in-process';
import { seedCampaignCalls, seedList, seedQaRun } from '../../helpers/export-seed';
import { makeTempDir } from '../../helpers/temp-dir';
import { parseCsv, readXlsx, readZip } from './export-rig';

/** `calldeck export` in-process on a real data folder, through the same core and job as the app. */

let dir: string;
let data: string;
let cleanup: () => void;
beforeEach(async () => {
  ({ dir, cleanup } = makeTempDir('calldeck-export-cli-'));
  data = path.join(dir, 'data');
  // The folder as the app leaves it, then calls and a QA run seeded into its database.
  const dbFile = await withCliCore(data, (core) => core.info.databasePath);
  const db = openDatabase(dbFile);
  seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'March'), calls: 4500 });
  seedQaRun(db, 'run-1', 4);
  db.close();
});
afterEach(() => cleanup());

const opts = (o: Partial<ExportCliOptions>): ExportCliOptions => ({
  format: 'xlsx',
  out: path.join(dir, 'out.xlsx'),
  data,
  ...o,
});

describe('calldeck export', () => {
  it('writes the XLSX to --out with progress lines, audited like the app', async () => {
    const lines: string[] = [];
    const r = await runExportCommand(opts({ campaign: 'c1' }), (l) => lines.push(l));
    const bytes = fs.readFileSync(path.join(dir, 'out.xlsx'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(r.sha256);
    expect(readXlsx(path.join(dir, 'out.xlsx')).Calls!.length - 1).toBe(4500);
    expect(lines.some((l) => /^export: [\d,]+ of [\d,]+ rows/.test(l))).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const audit = await withCliCore(data, (core) => call<AuditPage>(core, 'audit.list', { limit: 20 }));
    expect(audit.entries.filter((e) => e.action === 'reports.export').map((e) => e.subject)).toEqual([
      'campaign:c1',
      'campaign:c1',
    ]);
  });

  it('a date range to CSV, and a QA run: one CSV per sheet in the zip', async () => {
    const out = path.join(dir, 'range.zip');
    await runExportCommand(
      opts({ from: '2026-11-20T12:00:00Z', to: '2026-11-20T13:00:00+00:00', format: 'csv', out }),
      () => {},
    );
    // Calls every 10 s from 09:00 UTC: one hour of them, the end excluded.
    const calls = parseCsv((await readZip(out)).get('calls.csv')!);
    expect(calls.length - 1).toBe(360);
    expect(calls[1]![10]).toBe('2026-11-20T12:00:00.000Z');
    expect(calls.at(-1)![10]).toBe('2026-11-20T12:59:50.000Z');
    // As typed on the command line (commander maps --qa-run to qaRun).
    const qa = path.join(dir, 'qa.zip');
    const run = await runCliInProcess([
      'export',
      '--qa-run',
      'run-1',
      '--format',
      'csv',
      '--out',
      qa,
      '--data',
      data,
    ]);
    expect(run.code).toBe(0);
    expect(parseCsv((await readZip(qa)).get('qa_verdicts.csv')!).length - 1).toBe(4);
  });

  it('--format bundle prints the signing key and the command that checks the bundle with it', async () => {
    const out = path.join(dir, 'bundle.zip');
    const { code, stdout } = await runCliInProcess([
      'export',
      '--campaign',
      'c1',
      '--format',
      'bundle',
      '--out',
      out,
      '--data',
      data,
    ]);
    expect(code).toBe(0);
    const key =
      /Signed by key ([0-9a-f]{64}); check it with: calldeck audit verify-bundle (.+) --key \1\n/.exec(
        stdout,
      );
    expect(key?.[2]).toBe(out);
    const lines: string[] = [];
    expect(await runVerifyBundleCommand(out, { key: key![1] }, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(/^Bundle OK/);
  });

  it('counts the same rows, labelled, whatever the format: a bundle as an XLSX', async () => {
    const db = openDatabase(path.join(data, 'calldeck.sqlite'));
    const turns = db
      .prepare<[], number>(
        `SELECT count(*) FROM voicebot_lines l JOIN voicebot_sessions s ON s.id = l.session_id
         JOIN call_attempts a ON a.id = s.attempt_id WHERE a.campaign_id = 'c1'`,
      )
      .pluck()
      .get()!;
    db.close();
    const counts = { calls: 4500, turns, verdicts: 0 };
    const stdout: Record<string, string> = {};
    for (const format of ['xlsx', 'csv', 'bundle'] as const) {
      const out = path.join(dir, `same.${format}`);
      const run = await runCliInProcess([
        'export',
        '--campaign',
        'c1',
        '--format',
        format,
        '--out',
        out,
        '--data',
        data,
      ]);
      expect(run.code, run.stderr).toBe(0);
      stdout[format] = run.stdout.split(' to ')[0]!;
      const json = await runCliInProcess([
        'export',
        '--campaign',
        'c1',
        '--format',
        format,
        '--out',
        `${out}.2`,
        '--data',
        data,
        '--json',
      ]);
      expect(JSON.parse(json.stdout) as ExportResult, format).toMatchObject({ rows: 4500 + turns, counts });
    }
    const said = `Exported 4,500 calls, ${turns.toLocaleString('en-IN')} transcript lines, 0 QA verdicts (${(4500 + turns).toLocaleString('en-IN')} rows)`;
    expect(stdout).toEqual({ xlsx: said, csv: said, bundle: said });
    // The bundle says the same, in its signed manifest and its README.
    const bundle = await readZip(path.join(dir, 'same.bundle'));
    expect((JSON.parse(bundle.get('manifest.json')!) as { counts: unknown }).counts).toEqual(counts);
    expect(bundle.get('README.txt')).toContain(
      `Holds 4,500 calls, ${turns.toLocaleString('en-IN')} transcript lines, 0 QA verdicts:`,
    );
  });

  it('refuses an unclear scope and names a missing campaign, leaving no file', async () => {
    await expect(runExportCommand(opts({ campaign: 'c1', qaRun: 'run-1' }), () => {})).rejects.toThrow(
      'Give exactly one of --campaign ID, --qa-run ID, or --from DATE --to DATE',
    );
    await expect(runExportCommand(opts({ from: '2026-11-20' }), () => {})).rejects.toThrow(
      'A date range needs both --from and --to',
    );
    // Before any job starts, naming the folder and where the ids are.
    await expect(runExportCommand(opts({ campaign: 'nope' }), () => {})).rejects.toThrow(
      `No campaign nope in ${data} (calldeck campaign list shows them)`,
    );
    expect(fs.existsSync(path.join(dir, 'out.xlsx'))).toBe(false);
  });
});
