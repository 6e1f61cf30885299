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
const short = (id: string, n = 8) => (id.length > n + 4 ? `${id.slice(0, n)}…` : id);
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const baseName = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1) || p;

function subjectName(subject: string, label: AuditSubjectLabel | undefined, kind: string): string {
  if (label) return `${kind} '${label.name}'`;
  const id = subject.slice(subject.indexOf(':') + 1);
  return `${kind} ${id.length > 12 ? `${id.slice(0, 8)}…` : id}`;
}

/** What an export covered, from its subject (`campaign:ID`, `qa_run:ID`, `calls:FROM..TO`). */
function exportScope(subject: string, label: AuditSubjectLabel | undefined): string {
  if (subject.startsWith('campaign:')) return subjectName(subject, label, 'campaign');
  if (subject.startsWith('qa_run:')) return subjectName(subject, label, 'QA run');
  if (subject.startsWith('calls:')) {
    const [from = '', to = ''] = subject.slice('calls:'.length).split('..');
    return `the calls from ${from} to ${to}`;
  }
  return subject;
}

const FORMATS: Record<string, string> = {
  xlsx: 'XLSX',
  csv: 'CSV',
  html: 'HTML',
  pdf: 'PDF',
  bundle: 'an audit bundle',
};

const RETENTION_NAMES: Record<string, string> = {
  recordings: 'recordings',
  transcripts: 'transcripts',
  callRecords: 'call records',
  qaRecordings: "QA runs' audio",
  backups: 'backup archives',
};

/** The retention settings as set: "recordings 30 days, transcripts off, …, backups kept: 5". */
function retentionSettings(v: Payload): string {
  const days = (key: string, name: string) => {
    const n = num(v[key]);
    return `${name} ${n === undefined ? 'off' : plural(n, 'day')}`;
  };
  const kept = num(v.backupsKept);
  return [
    days('recordingsDays', 'recordings'),
    days('transcriptsDays', 'transcripts'),
    days('callRecordsDays', 'call records'),
    days('qaRecordingsDays', 'QA audio'),
    `backups kept ${kept === undefined ? 'all' : count(kept)}`,
  ].join(', ');
}

/** One retention class's deletion: what, older than when, and how many of each. */
function retentionRun(p: Payload): string {
  const cls = str(p.class) ?? 'data';
  const counts = Object.entries(p)
    .filter(([k, v]) => !['class', 'days', 'kept', 'cutoff', 'outcome'].includes(k) && num(v) !== undefined)
    .map(([k, v]) => `${count(v as number)} ${k}`)
    .join(', ');
  const what = RETENTION_NAMES[cls] ?? cls;
  const days = num(p.days);
  const rule =
    days !== undefined
      ? ` older than ${plural(days, 'day')}${str(p.cutoff) ? ` (before ${str(p.cutoff)})` : ''}`
      : num(p.kept) !== undefined
        ? ` beyond the newest ${count(num(p.kept) ?? 0)}`
        : '';
  return `deleted ${what}${rule} by retention${counts ? `: ${counts}` : ''}`;
}

/**
 * Long work (an import, an export, a backup, a wipe) as a noun phrase, its start and end rows read
 * together: "export of campaign 'Nov' as XLSX (83 rows, SHA-256 10cc023f…)".
 */
function work(e: AuditEntry, p: Payload, start: Payload, ctx: SummaryContext): string | undefined {
  const label = ctx.labels?.[e.subject];
  const request = obj(p.request);
  switch (e.action) {
    case 'contacts.startImport': {
      const file = str(p.file) ?? str(obj(p.file).name) ?? str(start.file) ?? 'a file';
      const list = str(p.listName) ?? str(request.listName) ?? label?.name;
      const into = list !== undefined ? ` into list '${list}'` : '';
      const rows = num(p.valid);
      return `import of ${file}${into}${rows !== undefined ? ` (${plural(rows, 'valid row')})` : ''}`;
    }
    case 'reports.export': {
      const format =
        str(p.format) ?? str(request.format) ?? str(start.format) ?? str(obj(start.request).format);
      const as = format !== undefined ? ` as ${FORMATS[format] ?? format}` : '';
      const rows = num(p.rows);
      const sha = str(p.sha256);
      const key = str(p.signingKey) ?? str(start.signingKey);
      const details = [
        rows !== undefined ? plural(rows, 'row') : undefined,
        sha !== undefined ? `SHA-256 ${short(sha, 12)}` : undefined,
        key !== undefined && p.outcome === 'ok' ? `signed by key ${short(key, 12)}` : undefined,
      ].filter((d) => d !== undefined);
      return `export of ${exportScope(e.subject, label)}${as}${details.length ? ` (${details.join(', ')})` : ''}`;
    }
    case 'data.backup': {
      const file = str(p.file) ?? str(start.file);
      const files = num(p.files);
      const bytes = num(p.bytes);
      const sealed = p.secretsSealed === true || start.secretsSealed === true;
      const details = [
        files !== undefined ? plural(files, 'file') : undefined,
        bytes !== undefined ? mb(bytes) : undefined,
        sealed ? 'secrets sealed under a passphrase' : undefined,
      ].filter((d) => d !== undefined);
      return `backup${file !== undefined ? ` ${file}` : ''}${details.length ? ` (${details.join(', ')})` : ''}`;
    }
    case 'data.wipe': {
      const rows = obj(p.rows);
      const total = Object.values(rows).reduce<number>((a, v) => a + (num(v) ?? 0), 0);
      const what = p.outcome === 'started' ? 'to delete' : 'deleted';
      return `wipe of the data${Object.keys(rows).length ? ` (${plural(total, 'row')} ${what})` : ''}`;
    }
    default:
      return undefined;
  }
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
    case 'campaigns.skipContact':
    case 'campaigns.retryContact': {
      const contact = num(request.contactId);
      const who = contact !== undefined ? `contact ${contact}` : 'a contact';
      const verb = e.action === 'campaigns.skipContact' ? 'skipped' : 'asked to dial again';
      return `${verb} ${who} of ${subjectName(e.subject, label, 'campaign')}`;
    }
    case 'dnc.importFile': {
      const file = str(p.source)?.match(/^file:(.*?)(?: sha256:|$)/)?.[1];
      const already = num(p.already);
      return `added ${plural(num(p.count) ?? 0, 'number')} to Do-Not-Call${file ? ` from ${file}` : ''}${already ? ` (${count(already)} already listed)` : ''}`;
    }
    case 'qa.run': {
      const callers = Array.isArray(request.callers)
        ? request.callers.filter((c) => typeof c === 'string')
        : [];
      const repeat = num(request.repeat);
      const dir = str(request.dir) ?? e.subject.replace(/^qa_suite:/, '');
      const how = callers.length
        ? ` (${callers.join(', ')}${repeat !== undefined ? ` × ${count(repeat)}` : ''})`
        : '';
      return `started a run of QA suite '${baseName(dir)}'${how}`;
    }
    case 'qa.rescore':
      return `re-scored ${subjectName(e.subject, label, 'QA run')}`;
    case 'qa.saveScenario':
      return `saved QA scenario ${str(request.file) ?? baseName(e.subject.replace(/^qa_scenario:/, ''))}`;
    case 'qa.scenarioFromCall':
      return `made a QA scenario from call session ${short(str(request.sessionId) ?? e.subject.replace(/^voicebot_session:/, ''))}`;
    case 'qa.copySuite':
      return `copied QA suite '${baseName(str(request.dir) ?? '')}' as '${str(request.name) ?? e.subject.replace(/^qa_suite:/, '')}'`;
    case 'audit.reanchored': {
      // A missing head file at start: someone may have deleted it (with newest rows) — say so plainly.
      const rows = num(p.rows);
      return `found the audit log's head file missing at start and anchored the log again${rows !== undefined ? ` at ${plural(rows, 'row')}` : ''}: rows deleted from its end before then cannot be detected`;
    }
    case 'audit.keyed': {
      const rows = num(p.legacyRows);
      return `keyed the audit log (HMAC)${rows !== undefined ? `; the ${plural(rows, 'earlier row')} keep plain SHA-256 hashes (chain ${str(p.legacyChain) ?? 'unknown'})` : ''}`;
    }
    case 'jobs.cancel':
      return `asked to cancel job ${short(e.subject.replace(/^job:/, ''))}`;
    case 'tunnel.start':
      return 'started the tunnel';
    case 'tunnel.stop':
      return 'stopped the tunnel';
    case 'data.setRetention':
      return `set retention: ${retentionSettings(Object.keys(obj(p.values)).length ? obj(p.values) : request)}`;
    case 'data.runRetention':
      return 'applied the retention settings now';
    case 'data.retention':
      return retentionRun(p);
    case 'data.removeBackup':
      return `removed backup archive ${short(e.subject.replace(/^artifact:/, ''))} from the data folder`;
    case 'data.restore': {
      // This install's restore job (Settings › Data) names its archive and target; the copy's
      // own row, written when it was restored, names only the archive.
      const target = restoreTarget(p, start);
      if (target !== undefined) {
        const archive = str(p.archive) ?? str(start.archive) ?? 'a backup';
        const files = num(p.files);
        return `restore of ${archive} into ${target}${files !== undefined ? ` (${plural(files, 'file')})` : ''}`;
      }
      const file = str(request.file) ?? 'a backup';
      const made = str(request.backupCreatedAt);
      const files = num(request.files);
      const rows = num(request.auditRowsVerified);
      const details = [
        made !== undefined ? `made ${made}` : undefined,
        files !== undefined ? plural(files, 'file') : undefined,
        rows !== undefined ? `${plural(rows, 'audit row')} verified` : undefined,
      ].filter((d) => d !== undefined);
      return `restored this data folder from ${file}${details.length ? ` (${details.join('; ')})` : ''}`;
    }
    case 'audit.exportCsv': {
      const filters = ['actor', 'action', 'subject', 'from', 'to']
        .map((k) => (str(request[k]) !== undefined ? `${k} ${str(request[k])}` : undefined))
        .filter((f) => f !== undefined);
      return `exported audit rows as CSV${filters.length ? ` (${filters.join(', ')})` : ''}`;
    }
    default:
      return work(e, p, start, ctx);
  }
}

/** The folder a restore job of this install restored into (a restored copy's own row has none). */
const restoreTarget = (p: Record<string, unknown>, start: Record<string, unknown>): string | undefined =>
  str(p.target) ?? str(start.target) ?? str(obj(p.request).target);

/** Actions whose start and end are two rows (the end names its start row). */
const LONG_WORK = new Set(['contacts.startImport', 'reports.export', 'data.backup', 'data.wipe']);

export function auditSummary(e: AuditEntry, ctx: SummaryContext = {}): string {
  const p = parse(e.payload);
  const startSeq = num(p.startSeq);
  const start = startSeq === undefined ? {} : parse(ctx.starts?.[String(startSeq)]);
  const outcome = str(p.outcome) ?? 'ok';
  const error = obj(p.error);
  const why = str(error.message) ?? str(error.code) ?? 'no reason recorded';
  const what = phrase(e, p, start, ctx);
  // Long work reads as its subject: "import of leads.csv started / failed: …"; refused before it
  // started (no start row), it reads as a refusal.
  const long =
    LONG_WORK.has(e.action) || (e.action === 'data.restore' && restoreTarget(p, start) !== undefined);
  if (long && what !== undefined) {
    switch (outcome) {
      case 'started':
        return `${e.actor} started the ${what}`;
      case 'failed':
        return startSeq === undefined
          ? `refused: ${e.actor} asked for the ${what}: ${why}`
          : `${what} failed: ${why}`;
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
