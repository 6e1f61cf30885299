import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/shared/audit';
import { auditSummary } from '../../../src/shared/audit-summary';

// The Audit page's sentences: each row read from its action and payload, subjects named by the
// page's labels, the end of long work read with its start row.
let seq = 0;
const row = (actor: string, action: string, subject: string, payload: unknown): AuditEntry => ({
  seq: ++seq,
  at: '2026-11-26T04:00:00.000Z',
  actor,
  action,
  subject,
  payload: JSON.stringify(payload),
  prevHash: '0',
  hash: '1',
  scheme: 'hmac-sha256',
});

describe('auditSummary', () => {
  it('names a campaign and its contacts from the labels', () => {
    const e = row('priya', 'campaigns.start', 'campaign:c1', {
      outcome: 'ok',
      request: { campaignId: 'c1' },
      from: 'draft',
      to: 'running',
    });
    expect(auditSummary(e, { labels: { 'campaign:c1': { name: 'Renewals Nov', contacts: 1204 } } })).toBe(
      "priya started campaign 'Renewals Nov' (1,204 contacts)",
    );
    // Deleted since: named by its id.
    expect(auditSummary(e)).toBe('priya started campaign c1');
  });

  it("reads a failed import's end with the file its start row named", () => {
    const start = row('priya', 'contacts.startImport', 'list:Leads', {
      outcome: 'started',
      request: { listName: 'Leads' },
      importId: 'i1',
      file: 'leads.csv',
    });
    const end = row('priya', 'contacts.startImport', 'list:Leads', {
      outcome: 'failed',
      startSeq: start.seq,
      error: { code: 'interrupted', message: 'interrupted' },
    });
    const ctx = { starts: { [String(start.seq)]: start.payload } };
    expect(auditSummary(start, ctx)).toBe("priya started the import of leads.csv into list 'Leads'");
    expect(auditSummary(end, ctx)).toBe('import of leads.csv failed: interrupted');
    const done = row('priya', 'contacts.startImport', 'list:7', {
      outcome: 'ok',
      startSeq: start.seq,
      listName: 'Leads',
      file: { name: 'leads.csv' },
      valid: 1,
    });
    expect(auditSummary(done, ctx)).toBe("import of leads.csv into list 'Leads' (1 valid row) finished");
  });

  it('says what was refused and why, and reads actions without a sentence of their own', () => {
    const refused = row('ravi', 'settings.update', 'settings.calling', {
      outcome: 'failed',
      request: { section: 'calling' },
      error: { code: 'invalid_request', message: 'values.timeZone: Unknown time zone' },
    });
    expect(auditSummary(refused)).toBe(
      'refused: ravi changed the calling settings: values.timeZone: Unknown time zone',
    );
    expect(auditSummary(row('asha', 'dnc.add', 'dnc', { outcome: 'ok', count: 2 }))).toBe(
      'asha added 2 numbers to Do-Not-Call',
    );
    expect(
      auditSummary(
        row('dialer', 'campaigns.setPacing', 'campaign:c1', { callsPerMinute: 40, maxConcurrent: 3 }),
        { labels: { 'campaign:c1': { name: 'Nov' } } },
      ),
    ).toBe("dialer set the pacing of campaign 'Nov' to 40 calls a minute, 3 at once");
    expect(auditSummary(row('asha', 'qa.saveScenario', 'qa:x', { outcome: 'ok' }))).toBe(
      'asha qa.saveScenario on qa:x',
    );
    // A payload that is not JSON still reads.
    expect(auditSummary({ ...row('old', 'lists.delete', 'list:1', null), payload: 'legacy' })).toBe(
      'old lists.delete on list:1',
    );
  });
});
