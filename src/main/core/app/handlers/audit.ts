import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { AuditEntry, AuditFilter, AuditPage, AuditSubjectLabel } from '../../../../shared/audit';
import { auditRowView } from '../../../../shared/audit';
import { auditSummary, type SummaryContext } from '../../../../shared/audit-summary';
import type { Handlers } from '../../api';
import type { Artifacts } from '../../artifacts';
import type { CampaignsService } from '../../campaigns';
import { mkdirPrivate } from '../../config';
import { csvLine, type ContactsService } from '../../contacts';
import type { AuditLog } from '../../reports';
import type { AuditQuery } from '../../store';

export interface AuditHandlerDeps {
  audit: AuditLog;
  query: AuditQuery;
  campaigns: CampaignsService;
  contacts: ContactsService;
  artifacts: Artifacts;
}

/** Where audit exports are written, under the data folder. */
export const AUDIT_EXPORTS_DIR = path.join('exports', 'audit');
/** Subject names are looked up once per this many rows of an export. */
const LABEL_BATCH = 500;

const CSV_HEADER = [
  'seq',
  'at',
  'actor',
  'action',
  'subject',
  'outcome',
  'summary',
  'payload',
  'prev_hash',
  'hash',
];

/**
 * What the rows' subjects are called now, and the start rows their end rows continue: a summary
 * names the campaign or list, and an import's end names the file its start row recorded.
 */
function contextOf(deps: AuditHandlerDeps, entries: readonly AuditEntry[]): Required<SummaryContext> {
  const labels: Record<string, AuditSubjectLabel> = {};
  const starts: Record<string, string> = {};
  for (const e of entries) {
    if (!(e.subject in labels)) {
      const label = labelOf(deps, e.subject);
      if (label) labels[e.subject] = label;
    }
    const { startSeq } = auditRowView(e.payload);
    if (startSeq !== undefined && !(String(startSeq) in starts)) {
      const start = entries.find((s) => s.seq === startSeq) ?? deps.query.at(startSeq);
      if (start) starts[String(startSeq)] = start.payload;
    }
  }
  return { labels, starts };
}

function labelOf(deps: AuditHandlerDeps, subject: string): AuditSubjectLabel | undefined {
  const [kind, id] = [subject.slice(0, subject.indexOf(':')), subject.slice(subject.indexOf(':') + 1)];
  if (kind === 'campaign') {
    const c = deps.campaigns.get(id);
    return c ? { name: c.name, contacts: c.counters.contacts } : undefined;
  }
  if (kind === 'list' && /^\d+$/.test(id)) {
    try {
      return { name: deps.contacts.list(Number(id)).name };
    } catch {
      // Deleted since (or never created): the summary names it by id.
      return undefined;
    }
  }
  return undefined;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Streams the filtered slice, newest first, to CSV (UTF-8 with BOM), under a temporary name first. */
async function writeAuditCsv(deps: AuditHandlerDeps, filter: AuditFilter, file: string): Promise<number> {
  const tmp = `${file}.part`;
  const out = fs.createWriteStream(tmp, { mode: 0o600 });
  let rows = 0;
  try {
    out.write('\ufeff' + csvLine(CSV_HEADER));
    let batch: AuditEntry[] = [];
    const flush = async () => {
      const ctx = contextOf(deps, batch);
      for (const e of batch) {
        const line = csvLine([
          String(e.seq),
          e.at,
          e.actor,
          e.action,
          e.subject,
          auditRowView(e.payload).outcome,
          auditSummary(e, ctx),
          e.payload,
          e.prevHash,
          e.hash,
        ]);
        if (!out.write(line)) await once(out, 'drain');
      }
      rows += batch.length;
      batch = [];
    };
    for (const e of deps.query.scan(filter)) {
      batch.push(e);
      if (batch.length >= LABEL_BATCH) await flush();
    }
    await flush();
    out.end();
    await once(out, 'finish');
    await fs.promises.rename(tmp, file);
    return rows;
  } catch (err) {
    out.destroy();
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

/** The audit Api: filtered pages with their subjects' names, the filters' choices, verify, CSV export. */
export function auditHandlers(deps: AuditHandlerDeps): Handlers['audit'] {
  return {
    list: (req): AuditPage => {
      const { beforeSeq, limit, ...filter } = req;
      const entries = deps.query.page(filter, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit);
      return { entries, total: deps.query.count(filter), ...contextOf(deps, entries) };
    },
    // The whole chain, in slices: the app stays responsive while a long log is walked.
    verify: () => deps.audit.verifyInSlices(),
    facets: () => deps.query.facets(),
    exportCsv: async (filter) => {
      const dir = path.join(deps.artifacts.dataDir, AUDIT_EXPORTS_DIR);
      mkdirPrivate(dir);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `audit-${stamp}-${randomUUID()}.csv`);
      try {
        const rows = await writeAuditCsv(deps, filter, file);
        const artifact = deps.artifacts.register({
          kind: 'export',
          path: file,
          name: `audit-${stamp}.csv`,
          mime: 'text/csv; charset=utf-8',
          owner: 'audit',
          sha256: await sha256Of(file),
        });
        return { rows, artifact };
      } catch (err) {
        await fs.promises.rm(file, { force: true });
        throw err;
      }
    },
  };
}
