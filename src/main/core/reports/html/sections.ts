import { escapeHtml as esc, REPORT_BASE_CSS, REPORT_CSP } from '../../../../shared/html';
import type {
  ExportAuditHead,
  ExportCallRow,
  ExportSummary,
  ExportTurnRow,
  ExportVerdictRow,
} from '../../../../shared/reports';
import { auditHeadLines, CALL_COLUMNS, summaryLines, type CellValue } from '../export/sheets';
import type { PlacedAudio } from './audio';
import { barChart, callTimelineSvg, rateChart } from './charts';

/** The HTML report's parts, each a string of one piece: the writer streams them one after another. */

const CSS = `${REPORT_BASE_CSS}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(470px,1fr));gap:1rem 1.5rem}.chart{margin:0}
.chart small{display:block}.wide{overflow-x:auto}table.calls{font-size:12px}table.summary{width:auto}.chart figcaption{font-weight:600;margin-bottom:.3rem}
.call,.scenario{border-top:2px solid #d0d7de;margin-top:1.5rem;padding-top:.5rem;break-inside:avoid-page}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}dt{color:#57606a}dd{margin:0}
.transcript td:first-child{white-space:nowrap;color:#57606a}.bot{color:#0969da}.caller{color:#8250df}
ol.timeline{margin:.3rem 0 .6rem;padding-left:1.2rem}.note{color:#57606a}
@page{size:A4;margin:12mm}@media print{audio{display:none}body{margin:0}}`;

/** A cell's value as shown: numbers as they are (the same number every format writes), text escaped. */
const cell = (v: CellValue): string => (v === null ? '' : esc(typeof v === 'number' ? String(v) : v));

/** A summary value for people (rates as percentages, one decimal); the exact number stays in data-value. */
function summaryCell(metric: string, v: CellValue): string {
  if (typeof v !== 'number') return `<td>${cell(v)}</td>`;
  const shown = /rate/i.test(metric)
    ? `${(v * 100).toFixed(1)}%`
    : Number.isInteger(v)
      ? String(v)
      : v.toFixed(1);
  return `<td data-value="${v}">${shown}</td>`;
}

const ms = (n: number | null | undefined): string =>
  n === null || n === undefined ? '–' : `${Math.round(n)} ms`;

export function documentStart(summary: ExportSummary, audioPolicy: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="CallDeck">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<title>${esc(summary.title)}</title><style>${CSS}</style></head><body>
<h1>${esc(summary.title)}</h1>
<p class="note">Generated ${esc(summary.generatedAt)} (UTC) by CallDeck. ${esc(audioPolicy)}</p>
`;
}

export const documentEnd = (closing: string): string =>
  `<footer><p class="note" id="recordings-note">${esc(closing)}</p></footer></body></html>\n`;

/** The summary: the charts, then every number as a table (the same lines the CSV/XLSX summary holds). */
export function summarySection(s: ExportSummary): string {
  const charts: string[] = [];
  const c = s.calls;
  if (c) {
    charts.push(
      barChart(
        'Calls by outcome',
        c.byOutcome.map((o) => ({ label: o.outcome, value: o.count })),
        'chart-outcomes',
      ),
      rateChart(
        'Answer rate',
        c.answerRate,
        `${c.answered} answered of ${c.finished} finished`,
        'chart-answer-rate',
      ),
      barChart(
        'Voice-to-voice latency',
        c.latency
          ? [
              { label: 'P50', value: c.latency.p50, text: ms(c.latency.p50), color: '#0969da' },
              { label: 'P95', value: c.latency.p95, text: ms(c.latency.p95), color: '#8250df' },
            ]
          : [],
        'chart-latency',
      ),
    );
    if (c.dispositions.length > 0)
      charts.push(
        barChart(
          'Dispositions',
          c.dispositions.map((d) => ({ label: d.disposition, value: d.count })),
          'chart-dispositions',
        ),
      );
  }
  if (s.qa)
    charts.push(
      barChart(
        'QA verdicts',
        Object.entries(s.qa.byVerdict).map(([label, value]) => ({ label, value })),
        'chart-verdicts',
      ),
    );
  // The audit head is its own block below (the same lines the CSV/XLSX summary ends with).
  const rows = summaryLines({ ...s, audit: undefined })
    .map(
      (l) =>
        `<tr data-metric="${esc(l.metric)}"><th>${esc(l.metric)}</th>${summaryCell(l.metric, l.value)}</tr>`,
    )
    .join('');
  return `<h2 id="summary">Summary</h2><div class="charts">${charts.join('')}</div>
<table class="summary"><tbody>${rows}</tbody></table>\n${s.audit ? auditBlock(s.audit) : ''}`;
}

/** The audit log's head at export, to compare with `calldeck audit verify` later. */
function auditBlock(a: ExportAuditHead): string {
  const facts = auditHeadLines(a)
    .map((l) => `<dt>${esc(l.metric)}</dt><dd data-metric="${esc(l.metric)}">${cell(l.value)}</dd>`)
    .join('');
  return `<section id="audit-head" data-verified="${a.verified}"><h3>Audit log</h3>
<p class="note">The tamper-evident audit log's anchored head when this report was written: later, <code>calldeck audit verify</code> must still find this row with this hash.</p>
<dl class="facts">${facts}</dl></section>\n`;
}

/** The calls table's columns: the CSV/XLSX columns an auditor scans first, with the same values. */
const TABLE_HEADERS = [
  'Contact',
  'Number',
  'Campaign',
  'Attempt no',
  'Created (UTC)',
  'State',
  'Carrier status',
  'Duration (s)',
  'Answered by',
  'Disposition',
  'Transfer',
  'Flags',
  'Latency P50 (ms)',
  'Latency P95 (ms)',
];
const TABLE_COLUMNS = TABLE_HEADERS.map((h) => {
  const col = CALL_COLUMNS.find((c) => c.header === h);
  if (!col) throw new Error(`internal: no call column "${h}"`);
  return col;
});

export const callsTableStart = (count: number, continued = false): string =>
  `${continued ? `<h2>Calls (${count}, continued)</h2>` : `<h2 id="calls">Calls (${count})</h2>`}<div class="wide"><table class="calls"><thead><tr><th>#</th>${TABLE_HEADERS.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n`;

export const callsTableEnd = '</tbody></table></div>\n';

const anchor = (attemptId: string) => `call-${attemptId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * A table cell for people: a fraction (a latency such as 362.48143100000743 ms) is shown whole,
 * its exact value kept in data-value, as the summary does.
 */
function tableCell(header: string, v: CellValue): string {
  if (typeof v === 'number' && !Number.isInteger(v))
    return `<td data-col="${esc(header)}" data-value="${v}">${Math.round(v)}</td>`;
  return `<td data-col="${esc(header)}">${cell(v)}</td>`;
}

export function callsTableRow(n: number, call: ExportCallRow): string {
  const cells = TABLE_COLUMNS.map((c) => tableCell(c.header, c.get(call))).join('');
  return `<tr data-attempt="${esc(call.attemptId)}"><td><a href="#${anchor(call.attemptId)}">${n}</a></td>${cells}</tr>\n`;
}

/** The call's bar on a time axis, from its own times and its transcript's media times. */
function timelineChart(call: ExportCallRow, turns: readonly ExportTurnRow[]): string {
  const placed = Date.parse(call.createdAt);
  const answered = call.answeredAt ? Date.parse(call.answeredAt) - placed : null;
  const ended = call.endedAt ? Date.parse(call.endedAt) - placed : null;
  if (!Number.isFinite(placed) || ended === null || !Number.isFinite(ended)) return '';
  // Media time counts from the stream's start, which is when the call was answered.
  const marks =
    answered === null
      ? []
      : turns
          .filter((t) => t.mediaMs !== null)
          .map((t) => ({
            atMs: answered + (t.mediaMs ?? 0),
            kind: t.speaker,
            label: `${t.speaker} at ${((t.mediaMs ?? 0) / 1000).toFixed(1)} s: ${t.text.slice(0, 80)}`,
          }));
  return callTimelineSvg(answered, ended, marks);
}

function timeline(call: ExportCallRow): string {
  const items = [`<li><time>${esc(call.createdAt)}</time> dialled ${esc(call.number)}</li>`];
  if (call.answeredAt)
    items.push(
      `<li><time>${esc(call.answeredAt)}</time> answered${call.answeredBy ? ` by ${esc(call.answeredBy)}` : ''}</li>`,
    );
  if (call.transfer) items.push(`<li>bot decided a transfer: ${esc(call.transfer)}</li>`);
  if (call.endedAt)
    items.push(
      `<li><time>${esc(call.endedAt)}</time> ended: ${esc(call.state)}${call.carrierStatus ? ` (carrier: ${esc(call.carrierStatus)})` : ''}</li>`,
    );
  else items.push(`<li>not ended when the report was written (${esc(call.state)})</li>`);
  return `<ol class="timeline">${items.join('')}</ol>`;
}

function transcript(turns: readonly ExportTurnRow[]): string {
  if (turns.length === 0) return '<p class="note">No transcript.</p>';
  const rows = turns.map(
    (t) =>
      `<tr><td>${t.mediaMs === null ? '' : `${(t.mediaMs / 1000).toFixed(1)} s`}</td><td class="${t.speaker}">${t.speaker}</td><td>${esc(t.text)}</td></tr>`,
  );
  return `<table class="transcript"><thead><tr><th>media time</th><th>speaker</th><th>said</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function players(audio: readonly PlacedAudio[]): string {
  if (audio.length === 0) return '<p class="note">No recordings.</p>';
  return audio
    .map((a) => {
      const label = `${a.recording.channel} (session ${a.recording.sessionId})`;
      switch (a.how) {
        case 'embedded':
        case 'folder':
        case 'linked':
          return `<p>${esc(label)}<br><audio controls preload="metadata" data-channel="${esc(a.recording.channel)}" src="${esc(a.src ?? '')}"></audio></p>`;
        case 'missing':
          return `<p class="note">${esc(label)}: the file ${esc(a.name)} was not on disk when this report was written.</p>`;
        case 'listed':
          return `<p class="note">${esc(label)}: ${esc(a.name)}</p>`;
        default: {
          const never: never = a.how;
          return never;
        }
      }
    })
    .join('');
}

export function callSection(
  n: number,
  call: ExportCallRow,
  turns: readonly ExportTurnRow[],
  audio: readonly PlacedAudio[],
): string {
  const facts: [string, string | null][] = [
    ['Campaign', call.campaignName ? `${call.campaignName} (${call.campaignId ?? ''})` : call.campaignId],
    ['List', call.listName ? `${call.listName} (${call.listId ?? ''})` : call.listId],
    ['Attempt', call.attemptNo === null ? null : String(call.attemptNo)],
    ['Operator', call.operator],
    ['Call SID', call.callSid],
    ['Duration', call.durationSec === null ? null : `${call.durationSec} s`],
    ['Price', call.price === null ? null : call.price.toFixed(2)],
    ['Disposition', call.disposition],
    ['Flags', call.flags.length ? call.flags.join(', ') : null],
    [
      'Latency (voice to voice)',
      call.latency ? `P50 ${ms(call.latency.p50)} · P95 ${ms(call.latency.p95)}` : null,
    ],
  ];
  const dl = facts
    .filter((f): f is [string, string] => f[1] !== null && f[1] !== '')
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('');
  return `<section class="call" id="${anchor(call.attemptId)}" data-attempt="${esc(call.attemptId)}">
<h3>${n}. ${esc(call.contactName ?? 'Unnamed contact')} · ${esc(call.number)} · <span class="state">${esc(call.state)}</span></h3>
<dl class="facts">${dl}</dl><h4>Timeline</h4>${timelineChart(call, turns)}${timeline(call)}<h4>Transcript</h4>${transcript(turns)}<h4>Recordings</h4>${players(audio)}</section>\n`;
}

/** The end of a document the next one continues (the PDF prints the report in parts). */
export const partEnd = '</body></html>\n';

export const verdictsHeading = (count: number): string => `<h2 id="verdicts">QA verdicts (${count})</h2>\n`;

export function verdictSection(
  n: number,
  v: ExportVerdictRow,
  turns: readonly ExportTurnRow[],
  audio: readonly PlacedAudio[],
): string {
  const reasons =
    v.reasons.length === 0
      ? '<p class="note">No failures.</p>'
      : `<ul class="reasons">${v.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`;
  return `<section class="scenario" data-scenario-run="${esc(v.scenarioRunId)}">
<h3>${n}. ${esc(v.scenario)} · ${esc(v.caller)} · repeat ${v.repeat} · <span class="${esc(v.verdict)}">${esc(v.verdict)}</span></h3>
<p><code>${esc(v.scenarioFile)}</code> · ended: ${esc(v.endReason)}${v.failureKinds.length ? ` · failures: ${esc(v.failureKinds.join(', '))}` : ''}</p>
${reasons}<h4>Transcript</h4>${transcript(turns)}<h4>Recordings</h4>${players(audio)}</section>\n`;
}
