import { describe, expect, it } from 'vitest';
import { exportFileName } from '../../../src/main/core/reports';
import { ExportScopeSchema, type ExportScopeInput } from '../../../src/shared/reports';

const at = new Date('2026-11-27T04:10:00Z');
const name = (scope: ExportScopeInput) => exportFileName(ExportScopeSchema.parse(scope), 'xlsx', at);

describe('an export file name', () => {
  it('names a range of days by its first and last day, as the user gave them (both inclusive)', () => {
    expect(name({ kind: 'range', from: '2026-11-26', to: '2026-11-26' })).toBe(
      'calldeck-calls-2026-11-26-to-2026-11-26-20261127T0410Z.xlsx',
    );
    expect(name({ kind: 'range', from: '2026-11-01', to: '2026-11-30' })).toBe(
      'calldeck-calls-2026-11-01-to-2026-11-30-20261127T0410Z.xlsx',
    );
  });

  it('names a range given in times by those times (UTC)', () => {
    expect(name({ kind: 'range', from: '2026-11-20T12:00:00Z', to: '2026-11-20T13:30:00+00:00' })).toBe(
      'calldeck-calls-20261120T1200Z-to-20261120T1330Z-20261127T0410Z.xlsx',
    );
    // Midnight given as a time: the range ends as that day begins (the day before is its last).
    expect(name({ kind: 'range', from: '2026-11-20T00:00:00Z', to: '2026-11-22T00:00:00Z' })).toBe(
      'calldeck-calls-2026-11-20-to-2026-11-21-20261127T0410Z.xlsx',
    );
  });

  it('names a campaign and a QA run by id', () => {
    expect(name({ kind: 'campaign', campaignId: 'c 1' })).toBe('calldeck-campaign-c-1-20261127T0410Z.xlsx');
    expect(name({ kind: 'qa_run', runId: 'r1' })).toBe('calldeck-qa-run-r1-20261127T0410Z.xlsx');
  });
});
