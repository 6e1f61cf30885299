import type { AuditEntry, AuditPage, AuditSubjectLabel } from './audit';

/**
 * A row of the audit log as one sentence, from its action and payload: "priya started campaign
 * 'Renewals Nov' (1,204 contacts)", "import of leads.csv failed: interrupted". Subjects are named by
 * the labels the page came with; the end row of long work reads its start row's payload (which
 * names the file). An action without a sentence of its own reads "<actor> <action> on <subject>".
 */

type Payload = Record<string, unknown>;

export interface SummaryContext {
  labels?: AuditPage['labels'];
  starts?: AuditPage['starts'];
}

function parse(text: string | undefined): Payload {
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Payload) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Payload =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Payload) : {};
const count = (n: number) => n.toLocaleString('en-IN');
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

function subjectName(subject: string, label: AuditSubjectLabel | undefined, kind: string): string {
  if (label) return `${kind} '${label.name}'`;
  const id = subject.slice(subject.indexOf(':') + 1);
  return `${kind} ${id.length > 12 ? `${id.slice(0, 8)}…` : id}`;
}

const CAMPAIGN_VERBS: Record<string, string> = {
  'campaigns.create': 'created',
  'campaigns.update': 'changed',
  'campaigns.schedule': 'scheduled',
  'campaigns.start': 'started',
  'campaigns.pause': 'paused',
  'campaigns.resume': 'resumed',
  'campaigns.cancel': 'canceled',
};

/** What the action did, as a verb phrase (no actor), from the row's own payload and its start's. */
function phrase(e: AuditEntry, p: Payload, start: Payload, ctx: SummaryContext): string | undefined {
  const label = ctx.labels?.[e.subject];
  const request = obj(p.request);
  const campaignVerb = CAMPAIGN_VERBS[e.action];
  if (campaignVerb !== undefined) {
    const name = str(request.name) ?? label?.name;
    const contacts = num(p.contacts) ?? label?.contacts;
    const what = name !== undefined ? `campaign '${name}'` : subjectName(e.subject, label, 'campaign');
    return `${campaignVerb} ${what}${contacts !== undefined ? ` (${plural(contacts, 'contact')})` : ''}`;
  }
  switch (e.action) {
    case 'campaigns.complete':
      return `completed ${subjectName(e.subject, label, 'campaign')}`;
    case 'campaigns.setPacing': {
      const pacing = obj(request.pacing);
      const cpm = num(p.callsPerMinute) ?? num(pacing.callsPerMinute);
      const conc = num(p.maxConcurrent) ?? num(pacing.maxConcurrent);
      const to = cpm !== undefined && conc !== undefined ? ` to ${cpm} calls a minute, ${conc} at once` : '';
      return `set the pacing of ${subjectName(e.subject, label, 'campaign')}${to}`;
    }
    case 'contacts.startImport': {
      const file = str(p.file) ?? str(obj(p.file).name) ?? str(start.file) ?? 'a file';
      const list = str(p.listName) ?? str(request.listName) ?? label?.name;
      const into = list !== undefined ? ` into list '${list}'` : '';
      const rows = num(p.valid);
      return `import of ${file}${into}${rows !== undefined ? ` (${plural(rows, 'valid row')})` : ''}`;
    }
    case 'contacts.cancelImport':
      return 'asked to cancel an import';
    case 'contacts.deleteList':
      return `deleted ${subjectName(e.subject, label, 'list')}`;
    case 'dnc.add':
      return `added ${plural(num(p.count) ?? 0, 'number')} to Do-Not-Call`;
    case 'dnc.remove':
      return `removed ${plural(num(p.count) ?? 0, 'number')} from Do-Not-Call`;
    case 'settings.update':
      return `changed the ${str(request.section) ?? e.subject.replace(/^settings\./, '')} settings`;
    case 'settings.setSecret':
      return `${request.value === null ? 'cleared' : 'set'} the secret ${e.subject.replace(/^secret\./, '')}`;
    case 'telephony.placeTestCall':
      return `placed a test call to ${str(request.number) ?? e.subject.replace(/^test-call:/, '')}`;
    case 'audit.exportCsv':
      return 'exported audit rows as CSV';
    default:
      return undefined;
  }
}

export function auditSummary(e: AuditEntry, ctx: SummaryContext = {}): string {
  const p = parse(e.payload);
  const startSeq = num(p.startSeq);
  const start = startSeq === undefined ? {} : parse(ctx.starts?.[String(startSeq)]);
  const outcome = str(p.outcome) ?? 'ok';
  const error = obj(p.error);
  const why = str(error.message) ?? str(error.code) ?? 'no reason recorded';
  const what = phrase(e, p, start, ctx);
  // Long work reads as its subject: "import of leads.csv started / failed: …".
  if (e.action === 'contacts.startImport' && what !== undefined) {
    switch (outcome) {
      case 'started':
        return `${e.actor} started the ${what}`;
      case 'failed':
        return `${what} failed: ${why}`;
      case 'cancelled':
        return `${what} was cancelled`;
      default:
        return `${what} finished`;
    }
  }
  const done = what ?? `${e.action} on ${e.subject}`;
  switch (outcome) {
    case 'failed':
      return `refused: ${e.actor} ${done}: ${why}`;
    case 'cancelled':
      return `cancelled: ${e.actor} ${done}`;
    case 'started':
      return `started: ${e.actor} ${done}`;
    default:
      return `${e.actor} ${done}`;
  }
}
