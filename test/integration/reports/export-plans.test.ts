import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionsSql } from '../../../src/main/core/reports/export/call-sessions';
import { callsScope, callsSql, turnsSql } from '../../../src/main/core/reports/export/scope-sql';
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
});
