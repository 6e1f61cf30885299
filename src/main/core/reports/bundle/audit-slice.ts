import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { AuditEntry } from '../../../../shared/audit';
import { AuditRepository, type Db } from '../../store';
import type { AuditLog } from '../audit-log';

/** Rows read at a time, and how long the slice's writing holds the event loop before letting it run. */
const BATCH_ROWS = 1000;
const SLICE_MS = 8;

/** One campaign's move as its audit row says: who, when, what was asked, how it ended. */
export interface HistoryEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  payload: unknown;
}

export interface AuditSlice {
  fromSeq: number;
  toSeq: number;
  fullRows: number;
  withheldRows: number;
  /** audit/head.json: the anchored head as the head file held it, and the chain's check at export. */
  head: unknown;
  /** Full rows by subject, for the campaigns' history. */
  bySubject: Map<string, HistoryEntry[]>;
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Writes the audit-log slice a bundle carries (JSON lines): every row from the first one about the
 * bundle's subjects to the end of the chain, in full when it is about them (or the log itself or
 * the Do-Not-Call register), otherwise only its seq and hash links ("withheld": other campaigns'
 * business stays out, while the links from the first row to the anchored head can still be
 * checked). The chain itself is verified with the key first; the result travels in head.json.
 */
export async function writeAuditSlice(
  db: Db,
  audit: AuditLog,
  subjects: ReadonlySet<string>,
  outFile: string,
): Promise<AuditSlice> {
  // The rows since the app's last whole walk; `checkedBefore` in head.json says which were not walked.
  const chainAtExport = await audit.verifySinceChecked();
  const reading = audit.readHead();
  const repo = new AuditRepository(db);
  const last = repo.last();
  const toSeq = last?.seq ?? 0;
  const isFull = (e: AuditEntry) =>
    subjects.has(e.subject) || e.subject === 'dnc' || e.subject === 'audit' || e.action.startsWith('audit.');
  const placeholders = [...subjects].map(() => '?').join(', ');
  const first =
    subjects.size === 0
      ? null
      : (db
          .prepare(`SELECT MIN(seq) FROM audit_log WHERE subject IN (${placeholders}) AND seq <= ?`)
          .pluck()
          .get(...subjects, toSeq) as number | null);
  // Nothing about the subjects: the slice still holds the newest row, so the head can be checked.
  const fromSeq = Math.max(1, Math.min(first ?? toSeq, toSeq));
  const bySubject = new Map<string, HistoryEntry[]>();
  let fullRows = 0;
  let withheldRows = 0;
  const fd = fs.openSync(outFile, 'w', 0o600);
  try {
    let lines: string[] = [];
    const flush = () => {
      fs.writeSync(fd, lines.join(''));
      lines = [];
    };
    // A slice may be most of a long log (a campaign created long ago): the loop runs between slices.
    let after = fromSeq - 1;
    let more = toSeq > 0;
    while (more) {
      more = false;
      const sliceEnds = performance.now() + SLICE_MS;
      for (const e of repo.scan(BATCH_ROWS, after)) {
        if (e.seq > toSeq) break;
        if (isFull(e)) {
          fullRows += 1;
          lines.push(JSON.stringify(e) + '\n');
          const h = bySubject.get(e.subject) ?? [];
          h.push({
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            payload: parsePayload(e.payload),
          });
          bySubject.set(e.subject, h);
        } else {
          withheldRows += 1;
          lines.push(
            JSON.stringify({
              seq: e.seq,
              prevHash: e.prevHash,
              hash: e.hash,
              scheme: e.scheme,
              withheld: true,
            }) + '\n',
          );
        }
        if (lines.length >= 1000) flush();
        after = e.seq;
        if (after < toSeq && performance.now() >= sliceEnds) {
          more = true;
          break;
        }
      }
      if (more) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  const anchored =
    reading.state === 'ok'
      ? { ...reading.head, macCheckedAtExport: reading.macOk }
      : { state: reading.state, ...(reading.state === 'damaged' ? { reason: reading.reason } : {}) };
  return {
    fromSeq: toSeq === 0 ? 1 : fromSeq,
    toSeq,
    fullRows,
    withheldRows,
    head: {
      anchored: reading.state === 'ok' ? anchored : null,
      ...(reading.state === 'ok' ? {} : { headFile: anchored }),
      chainAtExport: chainAtExport.ok
        ? {
            ok: true,
            rows: chainAtExport.rows,
            keyChecked: chainAtExport.keyChecked,
            warnings: chainAtExport.warnings,
            ...(chainAtExport.checkedBefore ? { checkedBefore: chainAtExport.checkedBefore } : {}),
          }
        : {
            ok: false,
            rows: chainAtExport.rows,
            brokenAt: chainAtExport.brokenAt,
            reason: `row ${chainAtExport.brokenAt}: ${chainAtExport.reason}`,
          },
    },
    bySubject,
  };
}
