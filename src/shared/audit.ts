/**
 * How a row's hash was made. `sha256`: rows written before the chain was keyed (anyone with the
 * database could recompute them). `hmac-sha256`: keyed with the install's audit key.
 */
export type AuditScheme = 'sha256' | 'hmac-sha256';

/** One row of the hash-chained audit log, as stored and as shown. */
export interface AuditEntry {
  seq: number;
  /** ISO-8601 UTC. */
  at: string;
  actor: string;
  action: string;
  subject: string;
  /** JSON text of what the action carried (secrets redacted). */
  payload: string;
  prevHash: string;
  hash: string;
  scheme: AuditScheme;
}

/**
 * `rows`: rows that verified. `anchoredRows`: what the head file beside the database says (null
 * when there is none). `keyChecked`: false when the audit key was not available here, so keyed
 * rows were checked for order and linkage only. `warnings`: facts an auditor should see that do
 * not by themselves prove tampering.
 */
export type AuditVerifyResult = AuditVerifyOutcome & {
  /**
   * Set when rows 1..`rows` were not walked again: an earlier whole walk (finished at `at`) found
   * them intact, and only the link at that row was checked (an export's quick check).
   */
  checkedBefore?: { rows: number; at: string };
};

type AuditVerifyOutcome =
  | {
      ok: true;
      rows: number;
      headHash: string;
      anchoredRows: number | null;
      keyChecked: boolean;
      warnings: string[];
    }
  | {
      ok: false;
      rows: number;
      brokenAt: number;
      reason: string;
      anchoredRows: number | null;
      keyChecked: boolean;
      warnings: string[];
    };

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
  /**
   * What a page's subjects are called now (`campaign:<id>` → its name and contacts, `list:<id>` →
   * its name), so rows read as sentences; a subject deleted since has none.
   */
  labels?: Record<string, AuditSubjectLabel>;
  /** The payload of each start row that a row on the page ends (by startSeq), for its summary. */
  starts?: Record<string, string>;
}

export interface AuditSubjectLabel {
  name: string;
  contacts?: number;
}

/** Which rows the Audit page (and its export) shows; every field narrows, none widens. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  /** Rows whose subject starts with this (`campaign:` for every campaign, or one campaign's id). */
  subject?: string;
  /** ISO-8601: rows at or after. */
  from?: string;
  /** ISO-8601: rows before. */
  to?: string;
}

/** The actors and actions the log holds, for the page's filter choices. */
export interface AuditFacets {
  actors: string[];
  actions: string[];
}

/**
 * How the action a row records ended. Rows written through the audit path carry it as the
 * `outcome` field of their payload; rows from before it (written only on success) have none.
 * Long work is one action in two rows: `started` when it begins, then `ok`, `failed` or
 * `cancelled` when it ends, that row's `startSeq` naming the start row.
 */
export type AuditOutcome = 'ok' | 'failed' | 'cancelled' | 'started';

/** The error a failed or cancelled action ended with (never a secret: redacted fields are not echoed). */
export interface AuditFailure {
  code: string;
  message: string;
  /** The refused request's fields and what was wrong with each. */
  issues?: { path: string; message: string }[];
}

const OUTCOMES: readonly string[] = ['ok', 'failed', 'cancelled', 'started'];

/** A row's payload as a reader sees it: how it ended, which row it continues, and its fields. */
export interface AuditRowView {
  /** Rows from before outcomes were recorded were written only on success: `ok`. */
  outcome: AuditOutcome;
  /** For the end of long work: the seq of its start row. */
  startSeq?: number;
  /** The error, as "code: message". */
  error?: string;
  fields: { label: string; value: string }[];
}

const LIST_ITEMS = 10;
const VALUE_CHARS = 200;

const clipText = (s: string) => (s.length > VALUE_CHARS ? `${s.slice(0, VALUE_CHARS)}…` : s);

function flatten(label: string, value: unknown, depth: number, out: AuditRowView['fields']): void {
  if (value === null || value === undefined) out.push({ label, value: '—' });
  else if (typeof value === 'string') out.push({ label, value: clipText(value) });
  else if (typeof value === 'number' || typeof value === 'boolean') out.push({ label, value: String(value) });
  else if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    const shown = value.slice(0, LIST_ITEMS).map(String).join(', ');
    const more = value.length > LIST_ITEMS ? ` … (${value.length} in all)` : '';
    out.push({ label, value: value.length === 0 ? '(none)' : clipText(shown) + more });
  } else if (!Array.isArray(value) && typeof value === 'object' && depth < 2)
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      flatten(label ? `${label}.${k}` : k, v, depth + 1, out);
  else out.push({ label, value: clipText(JSON.stringify(value)) });
}

/** Reads a row's payload text for showing it as a short key/value list, never as raw JSON. */
export function auditRowView(payload: string): AuditRowView {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { outcome: 'ok', fields: [{ label: 'payload', value: clipText(payload) }] };
  }
  const fields: AuditRowView['fields'] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (value !== null) flatten('payload', value, 0, fields);
    return { outcome: 'ok', fields };
  }
  const { outcome, startSeq, error, ...rest } = value as Record<string, unknown>;
  const view: AuditRowView = {
    outcome: typeof outcome === 'string' && OUTCOMES.includes(outcome) ? (outcome as AuditOutcome) : 'ok',
    fields,
  };
  if (typeof startSeq === 'number') view.startSeq = startSeq;
  if (typeof error === 'object' && error !== null) {
    const e = error as Partial<AuditFailure>;
    view.error = clipText(`${String(e.code ?? 'error')}: ${String(e.message ?? '')}`);
    for (const issue of Array.isArray(e.issues) ? e.issues.slice(0, LIST_ITEMS) : [])
      fields.push({ label: `field ${issue.path || '(request)'}`, value: clipText(String(issue.message)) });
  }
  flatten('', rest, 0, fields);
  return view;
}
