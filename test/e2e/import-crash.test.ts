import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore, DATA_TOOL } from '../../src/main/core';
import { FileSecretStore } from '../../src/main/server';
import { assertBuilt, CLI, ROOT } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

// One audit path, even through a crash: the built `calldeck import` is killed with SIGKILL in the
// middle of a big import (its `contacts.startImport` start row is written, no end row can be). The
// next start on the same data folder marks the job interrupted and closes the action: one end row,
// outcome failed with code `interrupted`, linked to the start row, and the chain still verifies.

const tmp = makeTempDir('calldeck-import-crash-');
afterAll(() => tmp.cleanup());

interface AuditRow {
  seq: number;
  action: string;
  subject: string;
  payload: string;
}

function auditRows(dataDir: string): AuditRow[] {
  const file = path.join(dataDir, 'calldeck.sqlite');
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], AuditRow>('SELECT seq, action, subject, payload FROM audit_log ORDER BY seq').all();
  } catch {
    return []; // not migrated yet
  } finally {
    db.close();
  }
}

describe('an import killed mid-way is closed in the audit log at the next start', () => {
  it('writes one failed end row, code interrupted, linked to the start row', async () => {
    assertBuilt();
    const dataDir = path.join(tmp.dir, 'data');
    const csv = path.join(tmp.dir, 'big.csv');
    const lines = ['Name,Mobile'];
    for (let i = 0; i < 400_000; i++) lines.push(`Customer ${i},98${String(i).padStart(8, '0')}`);
    fs.writeFileSync(csv, lines.join('\n'));

    const child = spawn(process.execPath, [CLI, 'import', csv, '--list', 'Big', '--data', dataDir], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, s) => resolve(s)));
    // Kill as soon as the start row is committed: the import is then reading the file.
    const deadline = Date.now() + 20_000;
    let start: AuditRow | undefined;
    while (!start) {
      if (Date.now() > deadline) throw new Error('the import never wrote its start row');
      start = auditRows(dataDir).find(
        (r) => r.action === 'contacts.startImport' && r.payload.includes('"started"'),
      );
      if (!start) await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(auditRows(dataDir).filter((r) => r.action === 'contacts.startImport')).toHaveLength(1);

    // The next start (any host: here the core in-process, with the CLI's key file).
    const core = await createCore({
      dataDir,
      host: 'server',
      secrets: new FileSecretStore(path.join(dataDir, 'secrets.json')),
      actor: 'tester',
      version: 'test',
      profile: DATA_TOOL,
    });
    try {
      const rows = auditRows(dataDir).filter((r) => r.action === 'contacts.startImport');
      expect(rows).toHaveLength(2);
      const end = JSON.parse(rows[1]!.payload) as Record<string, unknown>;
      expect(end).toMatchObject({
        outcome: 'failed',
        startSeq: start.seq,
        error: { code: 'interrupted' },
      });
      expect(rows[1]!.subject).toBe(start.subject);
      const verified = await core.invoke('audit.verify', {});
      expect(verified).toMatchObject({ ok: true, value: { ok: true } });
      const jobs = await core.invoke('jobs.list', {});
      expect(jobs).toMatchObject({ ok: true, value: { recent: [{ state: 'interrupted' }] } });
    } finally {
      await core.stop();
    }
  });
});
