import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

// The built `calldeck` only: `calldeck import` appends keyed, anchored audit rows, and
// `calldeck audit verify` catches the newest rows deleted with SQL (issue 8, finding 6).
describe('calldeck audit verify (built binary)', () => {
  let dir: string;
  let cleanup = () => {};
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('calldeck-e2e-audit-'));
  });
  afterAll(() => cleanup());

  it('passes on the folder the CLI wrote, and fails naming the truncation', async () => {
    const dataDir = path.join(dir, 'data');
    const csv = path.join(dir, 'list.csv');
    fs.writeFileSync(csv, 'phone,name\n9876543210,Asha\n');
    for (const list of ['one', 'two', 'three']) {
      const r = await runCli(['import', csv, '--list', list, '--data', dataDir, '--json']);
      expect(r.code, r.stderr).toBe(0);
    }
    // Each import is the Api's contacts.startImport: its start row and its outcome row, as in the app.
    const ok = await runCli(['audit', 'verify', '--data', dataDir]);
    expect(ok.stdout).toMatch(/^Audit log OK: 6 rows, head [0-9a-f]{64} \(anchored head: 6 rows\)/);
    expect(ok.code).toBe(0);

    const db = new Database(path.join(dataDir, 'calldeck.sqlite'));
    db.prepare('DELETE FROM audit_log WHERE seq = 6').run();
    db.close();
    const broken = await runCli(['audit', 'verify', '--data', dataDir, '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({
      ok: false,
      rows: 5,
      brokenAt: 6,
      anchoredRows: 6,
      keyChecked: true,
      reason: 'the log ends at row 5 but the anchored head says 6 rows: the newest 1 were deleted',
    });
    const text = await runCli(['audit', 'verify', '--data', dataDir]);
    expect(text.stdout).toMatch(
      /^Audit log BROKEN at row 6: the log ends at row 5 but the anchored head says 6 rows/,
    );
  });
});
