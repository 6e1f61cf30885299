import { describe, expect, it } from 'vitest';
import { auditRowView } from '../../../src/shared/audit';

// How the Audit page reads a row's payload: outcome, link and fields, never raw JSON.
describe('auditRowView', () => {
  it('reads a failed refusal: its error and each refused field', () => {
    const view = auditRowView(
      JSON.stringify({
        outcome: 'failed',
        error: {
          code: 'invalid_request',
          message: 'settings.update: values.timeZone: Unknown time zone',
          issues: [{ path: 'values.timeZone', message: 'Unknown time zone' }],
        },
      }),
    );
    expect(view).toEqual({
      outcome: 'failed',
      error: 'invalid_request: settings.update: values.timeZone: Unknown time zone',
      fields: [{ label: 'field values.timeZone', value: 'Unknown time zone' }],
    });
  });

  it('reads the end of long work: its start row and its counts, nested fields dotted', () => {
    const view = auditRowView(
      JSON.stringify({
        outcome: 'ok',
        startSeq: 4,
        listId: 2,
        file: { name: 'crm.csv', size: 120 },
        numbers: Array.from({ length: 12 }, (_, i) => `+9198765432${10 + i}`),
        note: null,
      }),
    );
    expect(view.outcome).toBe('ok');
    expect(view.startSeq).toBe(4);
    expect(view.fields).toEqual([
      { label: 'listId', value: '2' },
      { label: 'file.name', value: 'crm.csv' },
      { label: 'file.size', value: '120' },
      {
        label: 'numbers',
        value: `${Array.from({ length: 10 }, (_, i) => `+9198765432${10 + i}`).join(', ')} … (12 in all)`,
      },
      { label: 'note', value: '—' },
    ]);
  });

  it('reads rows from before outcomes as ok, and text that is not JSON as it is', () => {
    expect(auditRowView('{"name":"March"}')).toEqual({
      outcome: 'ok',
      fields: [{ label: 'name', value: 'March' }],
    });
    expect(auditRowView('null')).toEqual({ outcome: 'ok', fields: [] });
    expect(auditRowView('not json')).toEqual({
      outcome: 'ok',
      fields: [{ label: 'payload', value: 'not json' }],
    });
  });
});
