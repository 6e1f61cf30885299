import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../../src/shared/audit';
import type { QaSuiteDetail, QaSuiteSummary } from '../../../src/shared/qa';
import type { QaSaveScenarioResult } from '../../../src/shared/qa-edit';
import { DATA_TOOL, type Core } from '../../../src/main/core';
import { makeTestCore } from '../../helpers/core';

let core: Core;
let dir: string;
let cleanup: () => Promise<void>;
let suiteDir: string;

const GOOD = 'name: Confirm\nsteps:\n  - say: yes\n  - say: confirm\nexpect: { disposition: confirmed }\n';

async function call<T>(channel: string, request: unknown): Promise<T> {
  const r = await core.invoke(channel, request);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  ({ core, dir, cleanup } = await makeTestCore({ profile: DATA_TOOL }));
  suiteDir = path.join(dir, 'qa', 'suites', 'mine');
  await fs.mkdir(suiteDir, { recursive: true });
  await fs.writeFile(path.join(suiteDir, 'confirm.yaml'), GOOD);
}, 60_000);

afterAll(async () => {
  await cleanup?.();
});

describe('qa.saveScenario through core.invoke', () => {
  it('checks without writing or auditing, saves a valid scenario (audited), and never writes an invalid one', async () => {
    const file = path.join(suiteDir, 'confirm.yaml');
    const bad = GOOD.replace('  - say: confirm\n', '  - say: confirm\n    barge_in_ms: soon\n');
    const checked = await call<QaSaveScenarioResult>('qa.checkScenario', {
      dir: suiteDir,
      file: 'confirm.yaml',
      text: bad,
    });
    expect(checked.saved).toBe(false);
    expect(checked.problems).toEqual([expect.objectContaining({ line: 5, field: 'steps[1].barge_in_ms' })]);
    const refused = await call<QaSaveScenarioResult>('qa.saveScenario', {
      dir: suiteDir,
      file: 'confirm.yaml',
      text: bad,
    });
    expect(refused.saved).toBe(false);
    expect(await fs.readFile(file, 'utf8')).toBe(GOOD);

    const text = GOOD.replace('name: Confirm', 'name: Confirm the visit');
    const saved = await call<QaSaveScenarioResult>('qa.saveScenario', {
      dir: suiteDir,
      file: 'confirm.yaml',
      text,
    });
    expect(saved).toMatchObject({ saved: true, item: { name: 'Confirm the visit' } });
    expect(await fs.readFile(file, 'utf8')).toBe(text);
    const detail = await call<QaSuiteDetail>('qa.suite', { dir: suiteDir });
    expect(detail.items.map((i) => i.name)).toEqual(['Confirm the visit']);

    const audit = await call<AuditPage>('audit.list', { limit: 20 });
    const rows = audit.entries.filter((e) => e.action === 'qa.saveScenario');
    // The saves are audited (the refused one too, as saved: false); the check is not.
    expect(rows.map((r) => r.subject)).toContain(`qa_scenario:${suiteDir}/confirm.yaml`);
    expect(audit.entries.filter((e) => e.action === 'qa.checkScenario')).toEqual([]);
  });

  it('refuses the bundled suites and any path outside a suite folder, as invalid requests', async () => {
    const { suites } = await call<{ suites: QaSuiteSummary[] }>('qa.suites', {});
    const bundled = suites.find((s) => s.source === 'bundled');
    expect(bundled).toBeDefined();
    const before = await fs.readFile(path.join(bundled!.dir, 'confirm.yaml'), 'utf8');
    const tries = [
      { dir: bundled!.dir, file: 'confirm.yaml', text: GOOD },
      { dir: suiteDir, file: '../escape.yaml', text: GOOD },
      { dir: path.join(dir, 'qa'), file: 'x.yaml', text: GOOD, create: true },
    ];
    for (const req of tries) {
      const r = await core.invoke('qa.saveScenario', req);
      expect(r.ok, JSON.stringify(req)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid_request');
    }
    expect(await fs.readFile(path.join(bundled!.dir, 'confirm.yaml'), 'utf8')).toBe(before);
    await expect(fs.stat(path.join(dir, 'qa', 'suites', 'escape.yaml'))).rejects.toThrow();
    await expect(fs.stat(path.join(dir, 'qa', 'x.yaml'))).rejects.toThrow();
  });
});

describe('qa.copySuite through core.invoke', () => {
  // Found in a QA engineer's pass: a bundled suite said "copy its folder under the data folder's
  // qa/suites to edit it", and the page had no way to do that.
  it('copies a bundled suite with its recordings into the user suites, audited, where it can be edited', async () => {
    const { suites } = await call<{ suites: QaSuiteSummary[] }>('qa.suites', {});
    const bundled = suites.find((s) => s.source === 'bundled' && s.name === 'appointment');
    if (!bundled) throw new Error('no bundled appointment suite');
    const copy = await call<QaSuiteDetail>('qa.copySuite', { dir: bundled.dir, name: 'My appointments' });
    expect(copy).toMatchObject({
      dir: path.join(dir, 'qa', 'suites', 'My appointments'),
      source: 'user',
      scenarios: bundled.scenarios,
      invalid: 0,
    });
    // The human caller's recordings came along.
    expect(await fs.readdir(path.join(copy.dir, 'human', 'confirm'))).toEqual(
      await fs.readdir(path.join(bundled.dir, 'human', 'confirm')),
    );
    const text = GOOD.replace('name: Confirm', 'name: Confirm, edited');
    const saved = await call<QaSaveScenarioResult>('qa.saveScenario', {
      dir: copy.dir,
      file: 'confirm.yaml',
      text,
    });
    expect(saved.saved).toBe(true);
    const audit = await call<AuditPage>('audit.list', { limit: 50 });
    expect(audit.entries.filter((e) => e.action === 'qa.copySuite').map((e) => e.subject)).toEqual([
      'qa_suite:My appointments',
    ]);

    // A taken name, a name that is a path, and a folder that is no suite are refused; nothing is written.
    for (const req of [
      { dir: bundled.dir, name: 'My appointments' },
      { dir: bundled.dir, name: '../out' },
      { dir: path.join(dir, 'qa'), name: 'Nothing' },
    ]) {
      const r = await core.invoke('qa.copySuite', req);
      expect(r.ok, JSON.stringify(req)).toBe(false);
    }
    await expect(fs.stat(path.join(dir, 'qa', 'out'))).rejects.toThrow();
    await expect(fs.stat(path.join(dir, 'qa', 'suites', 'Nothing'))).rejects.toThrow();

    // Only CallDeck's own suites are copied (the page offers it for bundled ones): a folder elsewhere
    // that merely holds a .yaml (here with a private subfolder) is not copied into the data folder,
    // nor is one reached by climbing out of the bundled folder.
    const elsewhere = path.join(dir, 'elsewhere');
    await fs.mkdir(path.join(elsewhere, '.ssh'), { recursive: true });
    await fs.writeFile(path.join(elsewhere, 'compose.yaml'), 'services: {}\n');
    await fs.writeFile(path.join(elsewhere, '.ssh', 'id_ed25519'), 'PRIVATE KEY');
    const up = bundled.dir
      .split(path.sep)
      .filter(Boolean)
      .map(() => '..');
    const climbed = [bundled.dir, ...up, path.relative('/', elsewhere)].join(path.sep);
    for (const from of [elsewhere, climbed]) {
      const r = await core.invoke('qa.copySuite', { dir: from, name: 'Grabbed' });
      expect(r, from).toMatchObject({
        ok: false,
        error: {
          message: `${path.resolve(from)} is not one of CallDeck's suites (bundled or yours): only those are copied`,
        },
      });
    }
    await expect(fs.stat(path.join(dir, 'qa', 'suites', 'Grabbed'))).rejects.toThrow();
    // Names Windows keeps for devices, or would cut (a trailing dot), are refused everywhere alike.
    for (const name of ['CON', 'nul.txt', 'Com1', 'lpt9.yaml', 'suite.']) {
      const r = await core.invoke('qa.copySuite', { dir: bundled.dir, name });
      expect(r, name).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
      await expect(fs.stat(path.join(dir, 'qa', 'suites', name))).rejects.toThrow();
    }
    expect(await fs.readFile(path.join(copy.dir, 'confirm.yaml'), 'utf8')).toBe(text);
  });
});
