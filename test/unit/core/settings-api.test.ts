import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, MemorySecretStore } from '../../../src/main/core';
import type { AuditFailure } from '../../../src/shared/audit';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { makeTestCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

const calling = {
  ...DEFAULT_SETTINGS.calling,
  timeZone: 'Asia/Dubai',
  windowStart: '10:00',
  windowEnd: '19:30',
};

describe('settings through the core Api', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('returns defaults, then keeps an update across a restart on the same file', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const secrets = new MemorySecretStore();
    const config = { dataDir: dir, host: 'server' as const, secrets, actor: 'asha', version: 't' };
    const core = await createCore(config);
    const first = await core.invoke('settings.get', {});
    expect(first).toEqual({
      ok: true,
      value: {
        settings: DEFAULT_SETTINGS,
        secrets: {
          'exotel.apiKey': false,
          'exotel.apiToken': false,
          'speech.apiKey': false,
          'tunnel.ngrokAuthtoken': false,
        },
      },
    });
    const updated = await core.invoke('settings.update', { section: 'calling', values: calling });
    expect(updated.ok).toBe(true);
    await core.stop();

    const again = await createCore(config);
    cleanups.push(() => again.stop());
    const view = await again.invoke('settings.get', {});
    expect(view.ok && (view.value as { settings: typeof DEFAULT_SETTINGS }).settings.calling).toEqual(
      calling,
    );
  });

  it('rejects a bad request with a typed error naming the field, and stores nothing but its refusal', async () => {
    const t = await makeTestCore();
    cleanups.push(t.cleanup);
    const bad = await t.core.invoke('settings.update', {
      section: 'calling',
      values: { ...calling, timeZone: 'Mars/Olympus_Mons' },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', issues: [{ path: 'values.timeZone', message: 'Unknown time zone' }] },
    });
    expect(!bad.ok && bad.error.message).toBe('settings.update: values.timeZone: Unknown time zone');

    const reversed = await t.core.invoke('settings.update', {
      section: 'calling',
      values: { ...calling, windowStart: '20:00', windowEnd: '09:00' },
    });
    expect(reversed).toMatchObject({ ok: false, error: { issues: [{ path: 'values.windowEnd' }] } });

    const extra = await t.core.invoke('settings.update', { section: 'calling', values: calling, sneaky: 1 });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

    const unknown = await t.core.invoke('settings.destroy', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });

    const view = await t.core.invoke('settings.get', {});
    expect(view.ok && (view.value as { settings: typeof DEFAULT_SETTINGS }).settings.calling).toEqual(
      DEFAULT_SETTINGS.calling,
    );
    // Each refused update is on record as failed, naming the field; the unknown method is not an action.
    const audit = await t.core.invoke('audit.list', {});
    const rows = audit.ok ? (audit.value as { entries: { action: string; payload: string }[] }).entries : [];
    expect(rows.map((r) => r.action)).toEqual(['settings.update', 'settings.update', 'settings.update']);
    const payloads = rows.map((r) => JSON.parse(r.payload) as { outcome: string; error: AuditFailure });
    expect(payloads.map((p) => p.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(payloads.map((p) => p.error.code)).toEqual([
      'invalid_request',
      'invalid_request',
      'invalid_request',
    ]);
    expect(payloads.map((p) => p.error.issues?.[0]?.path)).toEqual([
      '',
      'values.windowEnd',
      'values.timeZone',
    ]);
  });

  it('keeps secrets out of SQLite, the audit log, the logs and the view', async () => {
    const t = await makeTestCore();
    cleanups.push(t.cleanup);
    const token = 'tok_5f3c9a7e1b2d4f60aa11';
    const set = await t.core.invoke('settings.setSecret', { name: 'exotel.apiToken', value: token });
    expect(set).toMatchObject({
      ok: true,
      value: { secrets: { 'exotel.apiToken': true, 'exotel.apiKey': false } },
    });
    expect(JSON.stringify(set)).not.toContain(token);

    const audit = await t.core.invoke('audit.list', {});
    expect(audit.ok).toBe(true);
    const entries = audit.ok
      ? (audit.value as { entries: { action: string; subject: string; payload: string }[] }).entries
      : [];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'settings.setSecret',
      subject: 'secret.exotel.apiToken',
      actor: 'tester',
    });
    expect(JSON.parse(entries[0]!.payload)).toEqual({
      outcome: 'ok',
      request: { name: 'exotel.apiToken', value: '[redacted]' },
    });

    await t.core.stop();
    for (const file of fs.readdirSync(t.dir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const bytes = fs.readFileSync(`${file.parentPath}/${file.name}`);
      expect(bytes.includes(token), `${file.name} must not contain the secret`).toBe(false);
    }
    expect(JSON.stringify(t.logs)).not.toContain(token);
  });

  it('clears a secret with null and audits every mutation in order', async () => {
    const t = await makeTestCore();
    cleanups.push(t.cleanup);
    await t.core.invoke('settings.setSecret', { name: 'speech.apiKey', value: 'sk-local' });
    const cleared = await t.core.invoke('settings.setSecret', { name: 'speech.apiKey', value: null });
    expect(cleared).toMatchObject({ ok: true, value: { secrets: { 'speech.apiKey': false } } });
    await t.core.invoke('settings.update', { section: 'calling', values: calling });
    const audit = await t.core.invoke('audit.list', {});
    const actions = audit.ok
      ? (audit.value as { entries: { action: string }[] }).entries.map((e) => e.action)
      : [];
    expect(actions).toEqual(['settings.update', 'settings.setSecret', 'settings.setSecret']);
    expect(await t.core.invoke('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true, rows: 3 } });
  });

  it('pushes the audit row once committed with the change, then settings.changed', async () => {
    const t = await makeTestCore();
    cleanups.push(t.cleanup);
    const seen: string[] = [];
    t.core.subscribe((event) => seen.push(event));
    await t.core.invoke('settings.update', { section: 'calling', values: calling });
    expect(seen).toEqual(['audit.appended', 'settings.changed']);
  });

  it('shows defaults and logs an error when a stored section is corrupt, without overwriting it', async () => {
    const t = await makeTestCore();
    cleanups.push(t.cleanup);
    await t.core.invoke('settings.update', { section: 'calling', values: calling });
    await t.core.stop();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(t.core.info.databasePath);
    raw.prepare("UPDATE settings SET value = '{not json' WHERE key = 'calling'").run();
    raw.close();
    const again = await createCore({
      dataDir: t.dir,
      host: 'server',
      secrets: new MemorySecretStore(),
      actor: 'x',
      version: 't',
      logSinks: [(r) => t.logs.push(r)],
    });
    cleanups.push(() => again.stop());
    const view = await again.invoke('settings.get', {});
    expect(view.ok && (view.value as { settings: typeof DEFAULT_SETTINGS }).settings.calling).toEqual(
      DEFAULT_SETTINGS.calling,
    );
    expect(t.logs.some((l) => l.level === 'error' && l.message.includes('not JSON'))).toBe(true);
  });
});
