import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/main/core';
import type { ArtifactRef } from '../../../src/shared/artifacts';
import type { AuditFacets, AuditPage } from '../../../src/shared/audit';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { ok } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';

/**
 * The Audit page's Api (issue 12, item 3) on a real core and SQLite file: filters by actor, action,
 * subject prefix and time, server-side and paged newest first, with the indexes they need; the
 * filtered slice exported as CSV with summaries, raw payloads and formula cells neutralised.
 */

const HOSTILE = "=cmd|' /C calc'!A0";
let core: Core;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ core, dir, cleanup } = await makeTestCore());
  ok(await core.invoke('dnc.add', { phones: ['9876543210'], note: 'asked' }, { actor: 'priya' }));
  await core.invoke(
    'settings.update',
    { section: 'calling', values: { ...DEFAULT_SETTINGS.calling, timeZone: 'Mars/Olympus_Mons' } },
    { actor: 'ravi' },
  );
  ok(await core.invoke('dnc.add', { phones: ['9876543211'] }, { actor: HOSTILE }));
  ok(await core.invoke('dnc.remove', { phones: ['9876543210'] }, { actor: 'priya' }));
});
afterEach(() => cleanup());

const list = async (req: Record<string, unknown>) => ok<AuditPage>(await core.invoke('audit.list', req));

describe('audit filters', () => {
  it('narrows by actor, action, subject and time, newest first, and pages within the filter', async () => {
    const all = await list({});
    expect(all.total).toBe(4);
    expect(all.entries.map((e) => e.seq)).toEqual([4, 3, 2, 1]);

    const priya = await list({ actor: 'priya' });
    expect(priya.total).toBe(2);
    expect(priya.entries.map((e) => e.action)).toEqual(['dnc.remove', 'dnc.add']);

    const refused = await list({ action: 'settings.update' });
    const outcomeOf = (text: string) => (JSON.parse(text) as { outcome: string }).outcome;
    expect(refused.entries.map((e) => [e.actor, outcomeOf(e.payload)])).toEqual([['ravi', 'failed']]);

    expect((await list({ subject: 'settings.' })).total).toBe(1);
    expect((await list({ subject: 'dnc' })).total).toBe(3);
    // GLOB's wildcards in a subject are matched as text.
    expect((await list({ subject: 'dn*' })).total).toBe(0);

    const third = all.entries[1]!;
    const since = await list({ from: third.at });
    expect(since.entries.every((e) => e.at >= third.at)).toBe(true);
    expect(since.entries.map((e) => e.seq)).toContain(3);
    expect((await list({ to: all.entries[3]!.at })).total).toBe(0);
    // A time with an offset is the same instant in UTC.
    const later = new Date(Date.parse(all.entries[0]!.at) + 60_000);
    expect((await list({ from: later.toISOString().replace('Z', '+00:00') })).total).toBe(0);

    const first = await list({ actor: 'priya', limit: 1 });
    const next = await list({ actor: 'priya', limit: 1, beforeSeq: first.entries[0]!.seq });
    expect([...first.entries, ...next.entries].map((e) => e.seq)).toEqual([4, 1]);
    expect(next.total).toBe(2);

    const facets = ok<AuditFacets>(await core.invoke('audit.facets', {}));
    expect(facets.actors).toEqual([HOSTILE, 'priya', 'ravi'].sort());
    expect(facets.actions).toEqual(['dnc.add', 'dnc.remove', 'settings.update']);
    const bad = await core.invoke('audit.list', { from: 'yesterday' });
    expect(bad.ok).toBe(false);
  });

  it('serves each filter from an index, not a scan of the log', () => {
    const db = new Database(path.join(dir, 'calldeck.sqlite'), { readonly: true });
    try {
      const plan = (where: string) =>
        db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT * FROM audit_log WHERE ${where} AND seq < 99 ORDER BY seq DESC LIMIT 5`,
          )
          .all()
          .map((r) => (r as { detail: string }).detail)
          .join('; ');
      expect(plan("actor = 'priya'")).toMatch(/USING INDEX audit_log_actor/);
      expect(plan("action = 'dnc.add'")).toMatch(/USING INDEX audit_log_action/);
      expect(plan("subject GLOB 'campaign:*'")).toMatch(/USING INDEX audit_log_subject/);
    } finally {
      db.close();
    }
  });

  it('exports the filtered slice as CSV: summaries, raw payloads, formula cells neutralised', async () => {
    const res = ok<{ rows: number; artifact: ArtifactRef }>(
      await core.invoke('audit.exportCsv', { action: 'dnc.add' }, { actor: 'auditor' }),
    );
    expect(res.rows).toBe(2);
    expect(res.artifact).toMatchObject({ kind: 'export', mime: 'text/csv; charset=utf-8' });
    const files = fs.readdirSync(path.join(dir, 'exports', 'audit')).filter((f) => f.endsWith('.csv'));
    expect(files).toHaveLength(1);
    const text = fs.readFileSync(path.join(dir, 'exports', 'audit', files[0]!), 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const rows = parse<Record<string, string>>(text.slice(1), { columns: true });
    expect(rows.map((r) => [r.seq, r.actor, r.outcome, r.summary])).toEqual([
      ['3', `'${HOSTILE}`, 'ok', `'${HOSTILE} added 1 number to Do-Not-Call`],
      ['1', 'priya', 'ok', 'priya added 1 number to Do-Not-Call'],
    ]);
    // The summary cell begins with the hostile actor too (neutralised above); the raw payload is JSON.
    expect(JSON.parse(rows[1]!.payload!)).toMatchObject({ request: { note: 'asked' }, count: 1 });
    // The export itself is audited, by whoever asked for it.
    const exported = await list({ action: 'audit.exportCsv' });
    expect(exported.entries.map((e) => e.actor)).toEqual(['auditor']);
  });
});
