import fs from 'node:fs';
import path from 'node:path';
import type { AuditPage, AuditSubjectLabel } from '../../../shared/audit';
import type { AuditListSchema } from '../../../shared/api/contract';
import { auditRowView } from '../../../shared/audit';
import type { z } from 'zod';
import { DATABASE_FILE } from '../config';
import { AuditQuery, openDatabaseReadOnly } from '../store';
import { NoDatabaseError } from './verify-audit';

/**
 * A page of a data folder's audit log, read without starting the app (`calldeck audit list`): a
 * reader must not change what it reads, and starting a core would (a missing head file is anchored
 * again with a row of its own, hiding the truncation `audit verify` would have named). The same
 * page as the Api's audit.list: rows newest first, subjects' names, the start rows ends refer to.
 */
export function readAuditPage(dataDir: string, request: z.output<typeof AuditListSchema>): AuditPage {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(file)) throw new NoDatabaseError(file);
  const db = openDatabaseReadOnly(file);
  try {
    const query = new AuditQuery(db);
    const { beforeSeq, limit, ...filter } = request;
    const entries = query.page(filter, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit);
    const campaign = db.prepare<[string], { name: string; contacts: number }>(
      'SELECT name, (SELECT COUNT(*) FROM campaign_contacts WHERE campaign_id = c.id) AS contacts FROM campaigns c WHERE id = ?',
    );
    const list = db.prepare<[number], { name: string }>('SELECT name FROM contact_lists WHERE id = ?');
    const labels: Record<string, AuditSubjectLabel> = {};
    const starts: Record<string, string> = {};
    for (const e of entries) {
      const id = e.subject.slice(e.subject.indexOf(':') + 1);
      const label = e.subject.startsWith('campaign:')
        ? campaign.get(id)
        : e.subject.startsWith('list:') && /^\d+$/.test(id)
          ? list.get(Number(id))
          : undefined;
      if (label) labels[e.subject] = label;
      const { startSeq } = auditRowView(e.payload);
      if (startSeq !== undefined && !(String(startSeq) in starts)) {
        const start = entries.find((s) => s.seq === startSeq) ?? query.at(startSeq);
        if (start) starts[String(startSeq)] = start.payload;
      }
    }
    return { entries, total: query.count(filter), labels, starts };
  } finally {
    db.close();
  }
}
