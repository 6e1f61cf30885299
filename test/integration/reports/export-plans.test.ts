import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionsSql } from '../../../src/main/core/reports/export/call-sessions';
import { callsScope, callsSql, turnsSql } from '../../../src/main/core/reports/export/scope-sql';
import { HOSTILE_CELLS, seedCampaignCalls, seedList } from '../../helpers/export-seed';
import { openDatabase } from '../../../src/main/core/store';
import type { ExportScope } from '../../../src/shared/reports';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * The export's statements read the calls in creation order straight off an index (migration 18):
 * no statement scans every call for a date range, and none sorts its rows in a temporary b-tree
 * before the first row comes (100,000 wide rows copied into a sorter).
 */
const tmp = makeTempDir('calldeck-export-plans-');
afterAll(() => tmp.cleanup());

describe('export statements and their query plans', () => {
  it.each<ExportScope>([
    { kind: 'campaign', campaignId: 'c' },
    { kind: 'range', from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' },
  ])('reads the %o scope by index, calls and sessions unsorted', (scope) => {
    const db = openDatabase(path.join(tmp.dir, `${scope.kind}.sqlite`));
    try {
      const { sql, params } = callsScope(scope);
      const plan = (statement: string) =>
        db
          .prepare<Record<string, string>, { detail: string }>(`EXPLAIN QUERY PLAN ${statement}`)
          .all(params)
          .map((r) => r.detail);
      for (const statement of [callsSql(sql), sessionsSql(sql), turnsSql(sql)]) {
        const steps = plan(statement);
        expect(steps[0]).toMatch(
          /^SEARCH a USING (COVERING )?INDEX call_attempts_(campaign_created|created) /,
        );
        expect(steps.filter((s) => s === 'USE TEMP B-TREE FOR ORDER BY')).toEqual([]);
      }
    } finally {
      db.close();
    }
  });

  it('gives the same values as JSON rows (the worker reads them so) as value rows, whatever the text and numbers', () => {
    const db = openDatabase(path.join(tmp.dir, 'json.sqlite'));
    try {
      const odd = ['', '"quoted" \\ back\\slash', 'tab\tnew\nline\u0001', '😀 ग्राहक ＝1', ...HOSTILE_CELLS];
      seedCampaignCalls(db, {
        campaignId: 'c',
        listId: seedList(db, 'l'),
        calls: 24,
        name: (i) => odd[i % odd.length]!,
        callerText: (i) => odd[(i + 3) % odd.length]!,
      });
      // Prices and latencies whose shortest text is long, and an integer beyond 2^31.
      db.prepare('UPDATE call_attempts SET price = 0.1 + 0.2 WHERE rowid % 3 = 0').run();
      db.prepare(
        'UPDATE call_attempts SET price = 1e-7 / 3, duration_sec = 4294967296 WHERE rowid % 3 = 1',
      ).run();
      db.prepare('UPDATE voicebot_turn_metrics SET voice_to_voice_ms = voice_to_voice_ms / 7.0').run();
      const { sql, params } = callsScope({ kind: 'campaign', campaignId: 'c' });
      for (const statement of [callsSql, sessionsSql, turnsSql]) {
        const values = db.prepare<Record<string, string>, unknown[]>(statement(sql)).raw(true).all(params);
        const json = db
          .prepare<Record<string, string>, [string]>(statement(sql, 'json'))
          .raw(true)
          .all(params)
          .map(([text]) => JSON.parse(text) as unknown[]);
        expect(values.length).toBeGreaterThan(0);
        expect(json).toEqual(values);
      }
    } finally {
      db.close();
    }
  });
});
