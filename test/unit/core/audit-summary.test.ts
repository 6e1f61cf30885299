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
    expect(auditSummary(row('asha', 'voicebot.reload', 'bot:x', { outcome: 'ok' }))).toBe(
      'asha voicebot.reload on bot:x',
    );
    // A payload that is not JSON still reads.
    expect(auditSummary({ ...row('old', 'lists.delete', 'list:1', null), payload: 'legacy' })).toBe(
      'old lists.delete on list:1',
    );
  });

  // Payloads as the app writes them (taken from a real install's log): an auditor's questions are
  // "what was exported, backed up, wiped, deleted by retention", so none of these reads as raw.
  it('reads exports as long work: format, scope, rows, hash and key; a refused one as refused', () => {
    const labels = { 'campaign:c1': { name: 'Reminders नवंबर' } };
    const start = row('root', 'reports.export', 'campaign:c1', {
      outcome: 'started',
      request: { scope: { kind: 'campaign', campaignId: 'c1' }, format: 'bundle' },
      jobId: 'j1',
      format: 'bundle',
      signingKey: 'ecfa0b94579e9cb561fba7dbda132d1f2e950fe78fd6414d1583785792cb9298',
    });
    const end = row('root', 'reports.export', 'campaign:c1', {
      outcome: 'ok',
      startSeq: start.seq,
      artifactId: 'a1',
      name: 'calldeck-campaign-c1.zip',
      sha256: '44c6c659ca3d4d3a86e02486e656c0b171043dd8ea455f3694eb678e875846ab',
      size: 12742958,
      rows: 54,
      signingKey: 'ecfa0b94579e9cb561fba7dbda132d1f2e950fe78fd6414d1583785792cb9298',
    });
    const ctx = { labels, starts: { [String(start.seq)]: start.payload } };
    expect(auditSummary(start, ctx)).toBe(
      "root started the export of campaign 'Reminders नवंबर' as an audit bundle",
    );
    expect(auditSummary(end, ctx)).toBe(
      "export of campaign 'Reminders नवंबर' as an audit bundle (54 rows, SHA-256 44c6c659ca3d…, signed by key ecfa0b94579e…) finished",
    );
    const failed = row('root', 'reports.export', 'qa_run:dae288e5-8d4d-4b6c-a5ce-ee8da2be97a5', {
      outcome: 'failed',
      startSeq: start.seq,
      error: { code: 'failed', message: 'No QA run' },
    });
    expect(auditSummary(failed, { starts: { [String(start.seq)]: JSON.stringify({ format: 'pdf' }) } })).toBe(
      'export of QA run dae288e5… as PDF failed: No QA run',
    );
    const refused = row('root', 'reports.export', 'calls:2026-11-27..2026-11-25', {
      outcome: 'failed',
      error: { code: 'invalid_request', message: 'scope.to: the range ends before it starts' },
      request: { format: 'csv' },
    });
    expect(auditSummary(refused)).toBe(
      'refused: root asked for the export of the calls from 2026-11-27 to 2026-11-25 as CSV: scope.to: the range ends before it starts',
    );
  });

  it('reads backups, restores, wipes and retention', () => {
    const start = row('root', 'data.backup', 'data', {
      outcome: 'started',
      request: {},
      jobId: 'j2',
      file: 'calldeck-backup-2026-11-26_10-05-37.zip',
      secretsSealed: true,
    });
    const ctx = { starts: { [String(start.seq)]: start.payload } };
    expect(auditSummary(start, ctx)).toBe(
      'root started the backup calldeck-backup-2026-11-26_10-05-37.zip (secrets sealed under a passphrase)',
    );
    const done = row('root', 'data.backup', 'data', {
      outcome: 'ok',
      startSeq: start.seq,
      file: 'calldeck-backup-2026-11-26_10-05-37.zip',
      files: 8,
      bytes: 339408,
      auditRows: 9,
      secretsSealed: true,
    });
    expect(auditSummary(done, ctx)).toBe(
      'backup calldeck-backup-2026-11-26_10-05-37.zip (8 files, 0.3 MB, secrets sealed under a passphrase) finished',
    );
    expect(
      auditSummary(
        row('root', 'data.restore', 'data', {
          outcome: 'ok',
          request: {
            file: 'backup1.zip',
            backupCreatedAt: '2026-11-26T10:05:37.628Z',
            files: 8,
            auditRowsVerified: 9,
          },
        }),
      ),
    ).toBe(
      'root restored this data folder from backup1.zip (made 2026-11-26T10:05:37.628Z; 8 files; 9 audit rows verified)',
    );
    // This install's restore job: who restored which archive where, its start and end.
    const restoreStart = row('root', 'data.restore', 'data', {
      outcome: 'started',
      request: { archive: { kind: 'backup' }, target: '/srv/copy', passphrase: '[redacted]' },
      jobId: 'j3',
      archive: 'backup1.zip',
      target: '/srv/copy',
    });
    const restoreCtx = { starts: { [String(restoreStart.seq)]: restoreStart.payload } };
    expect(auditSummary(restoreStart, restoreCtx)).toBe(
      'root started the restore of backup1.zip into /srv/copy',
    );
    expect(
      auditSummary(
        row('root', 'data.restore', 'data', {
          outcome: 'ok',
          startSeq: restoreStart.seq,
          archive: 'backup1.zip',
          target: '/srv/copy',
          files: 8,
        }),
        restoreCtx,
      ),
    ).toBe('restore of backup1.zip into /srv/copy (8 files) finished');
    expect(
      auditSummary(
        row('root', 'data.restore', 'data', {
          outcome: 'failed',
          startSeq: restoreStart.seq,
          error: { code: 'passphrase', message: 'wrong passphrase' },
        }),
        restoreCtx,
      ),
    ).toBe('restore of backup1.zip into /srv/copy failed: wrong passphrase');
    expect(
      auditSummary(
        row('root', 'data.restore', 'data', {
          outcome: 'failed',
          request: { archive: { kind: 'upload' }, target: '/srv/full' },
          error: { code: 'invalid_request', message: '/srv/full is not empty' },
        }),
      ),
    ).toBe('refused: root asked for the restore of a backup into /srv/full: /srv/full is not empty');
    const wipe = row('root', 'data.wipe', 'data', {
      outcome: 'started',
      request: { confirm: 'WIPE' },
      rows: { contacts: 10, call_attempts: 2 },
      folders: ['recordings'],
    });
    expect(auditSummary(wipe)).toBe('root started the wipe of the data (12 rows to delete)');
    expect(
      auditSummary(
        row('root', 'data.wipe', 'data', {
          outcome: 'failed',
          request: { confirm: 'WIPE' },
          error: { code: 'conflict', message: 'Stop these first, then wipe: campaign Nov (running)' },
        }),
      ),
    ).toBe(
      'refused: root asked for the wipe of the data: Stop these first, then wipe: campaign Nov (running)',
    );
    expect(
      auditSummary(
        row('root', 'data.setRetention', 'data.retention', {
          outcome: 'ok',
          values: {
            recordingsDays: 30,
            transcriptsDays: null,
            callRecordsDays: 1,
            qaRecordingsDays: null,
            backupsKept: 5,
          },
        }),
      ),
    ).toBe(
      'root set retention: recordings 30 days, transcripts off, call records 1 day, QA audio off, backups kept 5',
    );
    expect(
      auditSummary(row('root', 'data.runRetention', 'data.retention', { outcome: 'ok', request: {} })),
    ).toBe('root applied the retention settings now');
    expect(
      auditSummary(
        row('calldeck', 'data.retention', 'callRecords', {
          outcome: 'ok',
          class: 'callRecords',
          days: 1,
          cutoff: '2026-11-25T10:10:55.399Z',
          calls: 3,
          events: 12,
        }),
      ),
    ).toBe(
      'calldeck deleted call records older than 1 day (before 2026-11-25T10:10:55.399Z) by retention: 3 calls, 12 events',
    );
    expect(
      auditSummary(
        row('calldeck', 'data.retention', 'backups', {
          outcome: 'ok',
          class: 'backups',
          kept: 2,
          archives: 1,
        }),
      ),
    ).toBe('calldeck deleted backup archives beyond the newest 2 by retention: 1 archives');
  });

  it('reads QA runs, Do-Not-Call files, contact moves and the audit CSV export', () => {
    expect(
      auditSummary(
        row('root', 'qa.run', 'qa_suite:/work/main/resources/qa/appointment', {
          outcome: 'ok',
          request: { dir: '/work/main/resources/qa/appointment', callers: ['synthetic', 'human'], repeat: 1 },
        }),
      ),
    ).toBe("root started a run of QA suite 'appointment' (synthetic, human × 1)");
    expect(
      auditSummary(
        row('root', 'dnc.importFile', 'dnc', {
          outcome: 'ok',
          count: 9,
          already: 2,
          source: 'file:messy.csv sha256:5218f7e38c56',
        }),
      ),
    ).toBe('root added 9 numbers to Do-Not-Call from messy.csv (2 already listed)');
    expect(
      auditSummary(
        row('priya', 'campaigns.skipContact', 'campaign:c1', {
          outcome: 'ok',
          request: { campaignId: 'c1', contactId: 7 },
        }),
        { labels: { 'campaign:c1': { name: 'Nov' } } },
      ),
    ).toBe("priya skipped contact 7 of campaign 'Nov'");
    expect(
      auditSummary(
        row('root', 'audit.exportCsv', 'audit', {
          outcome: 'ok',
          request: { actor: 'root', action: 'campaigns.start' },
        }),
      ),
    ).toBe('root exported audit rows as CSV (actor root, action campaigns.start)');
    expect(
      auditSummary(
        row('asha', 'qa.saveScenario', 'qa_scenario:/s/appointment/confirm.yaml', { outcome: 'ok' }),
      ),
    ).toBe('asha saved QA scenario confirm.yaml');
  });

  it("reads the log's own rows: a missing head file anchored again, the log keyed, a suite copied", () => {
    expect(
      auditSummary(
        row('calldeck', 'audit.reanchored', 'audit', { reason: 'head file missing at start', rows: 41 }),
      ),
    ).toBe(
      "calldeck found the audit log's head file missing at start and anchored the log again at 41 rows: rows deleted from its end before then cannot be detected",
    );
    expect(
      auditSummary(
        row('calldeck', 'audit.keyed', 'audit', {
          legacyRows: 12,
          legacyHeadHash: 'ab',
          legacyChain: 'intact',
        }),
      ),
    ).toBe(
      'calldeck keyed the audit log (HMAC); the 12 earlier rows keep plain SHA-256 hashes (chain intact)',
    );
    expect(
      auditSummary(
        row('asha', 'qa.copySuite', 'qa_suite:mine', {
          outcome: 'ok',
          request: { dir: '/r/qa/appointment', name: 'mine' },
        }),
      ),
    ).toBe("asha copied QA suite 'appointment' as 'mine'");
  });
});
