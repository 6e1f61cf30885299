import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_TOOL } from '../../../src/main/core';
import { openFolderCore } from '../../helpers/core';
import { runCliInProcess } from '../../helpers/cli-in-process';
import { seedCampaignCalls, seedList } from '../../helpers/export-seed';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * The CLI's maintenance commands on bad input, as an auditor types them: a mistyped --data, an
 * --out that exists or cannot be written. Each is refused before any work, naming the problem,
 * and leaves nothing behind (no new data folder, no overwritten file, no audit row).
 */

let root: string;
let data: string;
let cleanup: () => void;
beforeEach(async () => {
  ({ dir: root, cleanup } = makeTempDir('calldeck-cli-guards-'));
  data = path.join(root, 'data');
  const core = await openFolderCore(data, { profile: DATA_TOOL });
  await core.stop();
});
afterEach(() => cleanup());

const auditActions = (): string[] => {
  const db = new Database(path.join(data, 'calldeck.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT action FROM audit_log ORDER BY seq').all() as { action: string }[]).map(
      (r) => r.action,
    );
  } finally {
    db.close();
  }
};

describe('calldeck maintenance commands on a folder that holds no CallDeck data', () => {
  const typo = () => path.join(root, 'dta');
  it.each([
    ['backup', () => ['backup', '--out', path.join(root, 'b.zip'), '--data', typo()]],
    ['wipe', () => ['wipe', '--yes-i-mean-it', '--data', typo()]],
    ['retention run', () => ['retention', 'run', '--data', typo()]],
    ['retention set', () => ['retention', 'set', '--recordings-days', '30', '--data', typo()]],
    [
      'export',
      () => [
        'export',
        '--from',
        '2026-11-01',
        '--to',
        '2026-11-02',
        '--format',
        'csv',
        '--out',
        path.join(root, 'e.zip'),
        '--data',
        typo(),
      ],
    ],
  ])('%s is refused naming the folder, and creates nothing there', async (_name, args) => {
    const r = await runCliInProcess(args());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`No CallDeck data in ${typo()}`);
    expect(fs.existsSync(typo())).toBe(false);
    expect(fs.readdirSync(root).sort()).toEqual(['data']);
  });
});

describe('calldeck export --out', () => {
  const exportTo = (out: string) =>
    runCliInProcess([
      'export',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-02',
      '--format',
      'xlsx',
      '--out',
      out,
      '--data',
      data,
    ]);

  it('an existing file is refused, not overwritten, before the export runs', async () => {
    const out = path.join(root, 'contacts.csv');
    fs.writeFileSync(out, 'name,phone\n');
    const r = await exportTo(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${out} exists: choose a new file for the export`);
    expect(fs.readFileSync(out, 'utf8')).toBe('name,phone\n');
    expect(auditActions()).not.toContain('reports.export');
  });

  it('a missing folder or a file in the way is refused before the export runs (no job audited as done)', async () => {
    const missing = await exportTo(path.join(root, 'nope', 'x.xlsx'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`the folder ${path.join(root, 'nope')} does not exist`);
    fs.writeFileSync(path.join(root, 'file'), '');
    const notDir = await exportTo(path.join(root, 'file', 'x.xlsx'));
    expect(notDir.stderr).toContain(`${path.join(root, 'file')} is not a folder`);
    expect(auditActions()).not.toContain('reports.export');
    // Nothing half-written anywhere.
    expect(fs.readdirSync(root).sort()).toEqual(['data', 'file']);
  });
});

describe('calldeck export of an id that is not there', () => {
  it.each([
    ['--campaign', 'no-such-campaign', 'campaign', 'calldeck campaign list'],
    ['--qa-run', 'no-such-run', 'QA run', "the QA page's runs"],
  ])('%s is refused naming it, before any export is started or audited', async (option, id, what, list) => {
    const r = await runCliInProcess([
      ...['export', option, id, '--format', 'csv', '--out', path.join(root, 'x.zip'), '--data', data],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`calldeck: No ${what} ${id} in ${data} (${list} shows them)\n`);
    expect(auditActions()).not.toContain('reports.export');
  });
});

describe('calldeck export --from/--to', () => {
  it("a --to before --from is refused in the options' words; the same day at both ends is that whole day", async () => {
    const out = path.join(root, 'r.zip');
    const args = (from: string, to: string) => [
      'export',
      '--from',
      from,
      '--to',
      to,
      '--format',
      'csv',
      '--out',
      out,
      '--data',
      data,
    ];
    const bad = await runCliInProcess(args('2026-11-27', '2026-11-25'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('calldeck: --to 2026-11-25 is before --from 2026-11-27: nothing to export\n');
    expect(auditActions()).not.toContain('reports.export');
    expect((await runCliInProcess(args('2026-11-26', '2026-11-26'))).code).toBe(0);
  });
});

describe('calldeck export progress line', () => {
  it('ends done with the rows exported, not on the last update drawn', async () => {
    const db = new Database(path.join(data, 'calldeck.sqlite'));
    seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'March'), calls: 40 });
    db.close();
    const r = await runCliInProcess([
      ...['export', '--campaign', 'c1', '--format', 'csv', '--out', path.join(root, 'c.zip'), '--data', data],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const drawn = r.stderr.split('\n')[0]!.split('\r');
    const done = /^export: done, (\d+) rows$/.exec(drawn.at(-1)!.trimEnd());
    expect(done, drawn.at(-1)).not.toBeNull();
    // The rows are the calls and their transcript lines (labelled on stdout).
    expect(r.stdout).toMatch(
      new RegExp(`^Exported 40 calls, \\d+ transcript lines, 0 QA verdicts \\(${done![1]} rows\\) to `),
    );
  });
});

describe('calldeck backup and restore --passphrase-file', () => {
  it('a file that is not there is refused naming the option, before any work', async () => {
    const missing = path.join(root, 'pass.txt');
    const backup = await runCliInProcess([
      ...['backup', '--out', path.join(root, 'b.zip'), '--passphrase-file', missing, '--data', data],
    ]);
    expect(backup.code).toBe(2);
    expect(backup.stderr).toBe(`calldeck: --passphrase-file ${missing}: no such file\n`);
    expect(auditActions()).not.toContain('data.backup');
    const restore = await runCliInProcess([
      ...['restore', path.join(root, 'b.zip'), '--data', path.join(root, 'copy'), '--passphrase-file', root],
    ]);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toBe(`calldeck: --passphrase-file ${root}: is a folder, not a file\n`);
  });
});

describe('calldeck backup --out', () => {
  it('a folder that does not exist is refused before the snapshot is taken', async () => {
    const out = path.join(root, 'nope', 'b.zip');
    const r = await runCliInProcess(['backup', '--out', out, '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Cannot write ${out}: the folder ${path.join(root, 'nope')} does not exist`);
    expect(auditActions()).not.toContain('data.backup');
  });

  it('never writes through a link planted at its scratch file name (export and backup): refused, the linked file untouched', async () => {
    const victim = path.join(root, 'victim.txt');
    fs.writeFileSync(victim, 'mine');
    // The CLI runs in this process here: its scratch name is <out>.<this pid>.tmp.
    for (const [out, run] of [
      [
        path.join(root, 'e.xlsx'),
        (o: string) =>
          runCliInProcess([
            'export',
            '--from',
            '2026-11-01',
            '--to',
            '2026-11-02',
            '--format',
            'xlsx',
            '--out',
            o,
            '--data',
            data,
          ]),
      ],
      [path.join(root, 'b.zip'), (o: string) => runCliInProcess(['backup', '--out', o, '--data', data])],
    ] as const) {
      fs.symlinkSync(victim, `${out}.${process.pid}.tmp`);
      const r = await run(out);
      expect(r.code, out).not.toBe(0);
      expect(fs.readFileSync(victim, 'utf8')).toBe('mine');
      expect(fs.existsSync(out)).toBe(false);
    }
  });
});

describe('calldeck retention', () => {
  it('refuses a value that is not a number of days, naming the option; reads one day as "1 day"', async () => {
    const bad = await runCliInProcess(['retention', 'set', '--recordings-days', 'abc', '--data', data]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('calldeck: --recordings-days: "abc" is not a whole number (or "off")\n');
    expect(
      (await runCliInProcess(['retention', 'set', '--call-records-days', '1', '--data', data])).code,
    ).toBe(0);
    const run = await runCliInProcess(['retention', 'run', '--data', data]);
    expect(run.stdout).toMatch(/^callRecords: older than 1 day \(before /);
  });
});
