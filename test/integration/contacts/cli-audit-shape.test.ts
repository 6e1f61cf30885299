import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../src/shared/api/events';
import { openDatabase } from '../../../src/main/core';
import { runImportCommand, runDeleteListCommand } from '../../../src/main/server/commands/contacts';
import { makeTestCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';
import { CRM_ROWS } from './harness';

// `calldeck import` builds the core through the composition root and acts through core.invoke, so
// its audit trail is the app's: the same actions, subjects and payload fields, row for row.

interface Shape {
  action: string;
  subject: string;
  keys: string[];
}

function auditShapes(dataDir: string): Shape[] {
  const db = openDatabase(path.join(dataDir, 'calldeck.sqlite'));
  try {
    const rows = db
      .prepare<[], { action: string; subject: string; payload: string }>(
        "SELECT action, subject, payload FROM audit_log WHERE action LIKE 'contacts.%' ORDER BY seq",
      )
      .all();
    return rows.map((r) => {
      const payload = JSON.parse(r.payload) as unknown;
      const keys = payload && typeof payload === 'object' ? Object.keys(payload).sort() : [];
      return { action: r.action, subject: r.subject, keys };
    });
  } finally {
    db.close();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the CLI acts through the same Api as the app', () => {
  it('a CLI import and delete leave audit rows of the same shape as the same actions through core.invoke', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'crm.csv');
    fs.writeFileSync(file, CRM_ROWS.map((r) => r.join(',')).join('\n'));

    // The app: stage the file, start the import through the Api, wait for its outcome, delete it.
    const app = await makeTestCore();
    cleanups.push(app.cleanup);
    const finished = new Promise<ApiEvents['contacts.importFinished']>((resolve) =>
      app.core.subscribe((event, payload) => {
        if (event === 'contacts.importFinished') resolve(payload as ApiEvents['contacts.importFinished']);
      }),
    );
    const staged = app.core.stageFile(file);
    if (!staged.ok) throw new Error(staged.error.message);
    const started = await app.core.invoke('contacts.startImport', {
      fileId: staged.value.id,
      listName: 'March',
    });
    expect(started.ok).toBe(true);
    const outcome = (await finished).outcome;
    expect(outcome.ok).toBe(true);
    const listId = outcome.ok ? outcome.summary.listId : 0;
    expect((await app.core.invoke('contacts.deleteList', { listId })).ok).toBe(true);

    // The CLI, on its own data folder.
    const data = path.join(dir, 'cli-data');
    const lines: string[] = [];
    expect(await runImportCommand(file, { list: 'March', data, json: true }, (l) => lines.push(l))).toBe(0);
    expect(await runDeleteListCommand('March', { data, json: true }, (l) => lines.push(l))).toBe(0);

    const fromApp = auditShapes(app.dir);
    const fromCli = auditShapes(data);
    expect(fromApp.map((s) => s.action)).toEqual(
      expect.arrayContaining(['contacts.startImport', 'contacts.deleteList']),
    );
    expect(fromCli).toEqual(fromApp);
  });
});
