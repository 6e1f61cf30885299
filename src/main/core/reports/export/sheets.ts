import type {
  ExportAuditHead,
  ExportCallRow,
  ExportSummary,
  ExportTurnRow,
  ExportVerdictRow,
} from '../../../../shared/reports';
import { RECORDING_FILE_NAMES, type RecordingNames } from './recording-names';
import type { ExportSource } from './row-source';

/**
 * The tabular exports' sheets (XLSX sheets, CSV files), column by column, so both formats carry the
 * same columns in the same order. `number` cells are written as numbers and `time` cells (ISO UTC
 * strings) as dates in XLSX; formula-like `text` is kept from running as a formula by each writer
 * (CSV: an apostrophe; XLSX: a typed string cell in the Text format).
 */
export type CellKind = 'text' | 'number' | 'time';
export type CellValue = string | number | null;

/**
 * How a number reads to a person (the stored value is exact: 362.48143100000743 ms, 1.2000000000000002
 * of spend): whole milliseconds; money to 4 decimals at most (Exotel prices come with 2 or 4);
 * rates as fractions (0.5 = 50%) to 4 places; seconds to one decimal. CSV writes the rounded value;
 * XLSX keeps the exact number and shows it through the number format.
 */
export type Rounding = 'ms' | 'money' | 'rate' | 'seconds';
export const ROUNDINGS: Record<Rounding, { decimals: number; xlsxFormat: string }> = {
  ms: { decimals: 0, xlsxFormat: '0' },
  money: { decimals: 4, xlsxFormat: '0.00##' },
  rate: { decimals: 4, xlsxFormat: '0.00%' },
  seconds: { decimals: 1, xlsxFormat: '0.0' },
};

/** `value` rounded as `rounding` says, as a number (trailing zeros gone: 0.7500 → 0.75). */
export const rounded = (value: number, rounding: Rounding): number =>
  Number.isInteger(value) ? value : Number(value.toFixed(ROUNDINGS[rounding].decimals));

export interface Column<R> {
  header: string;
  kind: CellKind;
  get(row: R): CellValue;
  /** A number's rounding (see Rounding)... */
  rounding?: Rounding;
  /** ...or each row's own (the summary's mixed values). */
  roundingOf?(row: R): Rounding | undefined;
  /** Width in characters (XLSX). */
  width?: number;
}

export interface Sheet<R> {
  name: string;
  /** File name inside the CSV zip. */
  file: string;
  columns: readonly Column<R>[];
  rows(source: ExportSource): Iterable<R>;
}

const text = <R>(header: string, get: (r: R) => string | null, width = 16): Column<R> => ({
  header,
  kind: 'text',
  get,
  width,
});
const num = <R>(
  header: string,
  get: (r: R) => number | null,
  width = 10,
  rounding?: Rounding,
): Column<R> => ({
  header,
  kind: 'number',
  get,
  width,
  ...(rounding ? { rounding } : {}),
});
const time = <R>(header: string, get: (r: R) => string | null): Column<R> => ({
  header,
  kind: 'time',
  get,
  width: 20,
});

const joined = (list: readonly string[]) => (list.length === 0 ? null : list.join('; '));

/** The Calls sheet's columns, its recordings named by `names` (see RecordingNames). */
export const callColumns = (names: RecordingNames): readonly Column<ExportCallRow>[] => [
  text('Attempt id', (r) => r.attemptId, 38),
  text('Call SID', (r) => r.callSid, 34),
  text('Contact', (r) => r.contactName, 22),
  text('Number', (r) => r.number),
  text('List id', (r) => r.listId, 8),
  text('List', (r) => r.listName, 22),
  text('Campaign id', (r) => r.campaignId, 38),
  text('Campaign', (r) => r.campaignName, 22),
  num('Attempt no', (r) => r.attemptNo),
  text('Operator', (r) => r.operator),
  time('Created (UTC)', (r) => r.createdAt),
  time('Answered (UTC)', (r) => r.answeredAt),
  time('Ended (UTC)', (r) => r.endedAt),
  text('State', (r) => r.state, 12),
  text('Carrier status', (r) => r.carrierStatus),
  num('Duration (s)', (r) => r.durationSec),
  num('Price', (r) => r.price, 8, 'money'),
  text('Answered by', (r) => r.answeredBy, 12),
  text('Disposition', (r) => r.disposition),
  text('Transfer', (r) => r.transfer, 10),
  text('Flags', (r) => joined(r.flags), 24),
  num('Latency P50 (ms)', (r) => r.latency?.p50 ?? null, 14, 'ms'),
  num('Latency P95 (ms)', (r) => r.latency?.p95 ?? null, 14, 'ms'),
  text(names.header, (r) => joined(r.recordings.map((x) => `${x.channel}: ${names.name(r, x)}`)), 40),
  text('Recording artifact ids', (r) => joined(r.recordings.flatMap((x) => x.artifactId ?? [])), 38),
];

/** The Calls sheet's columns of a source whose data folder is not known (recordings by file name). */
export const CALL_COLUMNS = callColumns(RECORDING_FILE_NAMES);

export const TURN_COLUMNS: readonly Column<ExportTurnRow>[] = [
  text('Attempt id', (r) => r.attemptId, 38),
  text('Speaker', (r) => r.speaker, 8),
  text('Text', (r) => r.text, 60),
  num('Media time (ms)', (r) => r.mediaMs, 14, 'ms'),
];

export const VERDICT_COLUMNS: readonly Column<ExportVerdictRow>[] = [
  text('Run id', (r) => r.runId, 38),
  text('Scenario run id', (r) => r.scenarioRunId, 38),
  text('Scenario', (r) => r.scenario, 28),
  text('Scenario file', (r) => r.scenarioFile, 24),
  text('Caller', (r) => r.caller, 10),
  num('Repeat', (r) => r.repeat, 8),
  text('Verdict', (r) => r.verdict, 10),
  text('End reason', (r) => r.endReason, 14),
  text('Failure kinds', (r) => joined(r.failureKinds), 24),
  text('Reasons', (r) => joined(r.reasons), 60),
];

/** One line of the summary sheet: what is measured, and its value (a number where it is one). */
export interface SummaryLine {
  metric: string;
  value: CellValue;
  rounding?: Rounding;
}

export const SUMMARY_COLUMNS: readonly Column<SummaryLine>[] = [
  text('Metric', (r) => r.metric, 36),
  { header: 'Value', kind: 'number', get: (r) => r.value, width: 40, roundingOf: (r) => r.rounding },
];

/** The summary as lines, in the dashboard's terms (rates as fractions, 0.5 = 50%). */
export function summaryLines(s: ExportSummary): SummaryLine[] {
  const out: SummaryLine[] = [
    { metric: 'Report', value: s.title },
    { metric: 'Generated (UTC)', value: s.generatedAt },
    { metric: 'Call rows', value: s.counts.calls },
    { metric: 'Transcript lines', value: s.counts.turns },
    { metric: 'QA verdict rows', value: s.counts.verdicts },
  ];
  const c = s.calls;
  if (c) {
    out.push(
      { metric: 'Calls (attempts)', value: c.total },
      { metric: 'Still active', value: c.active },
      { metric: 'Finished', value: c.finished },
      { metric: 'Answered', value: c.answered },
      { metric: 'Answer rate', value: c.answerRate, rounding: 'rate' },
      { metric: 'Success rate (completed ÷ finished)', value: c.successRate, rounding: 'rate' },
      { metric: 'Average talk time (s)', value: c.averageDurationSec, rounding: 'seconds' },
      { metric: 'Talk time P50 (s)', value: c.talkTimeSec?.p50 ?? null, rounding: 'seconds' },
      { metric: 'Talk time P95 (s)', value: c.talkTimeSec?.p95 ?? null, rounding: 'seconds' },
      { metric: 'Transfers to an agent', value: c.transfers },
      { metric: 'Transfer rate', value: c.transferRate, rounding: 'rate' },
      { metric: 'Answered by a machine', value: c.machineAnswered },
      { metric: 'Spend (carrier prices settled)', value: c.spend, rounding: 'money' },
      { metric: 'Finished calls not yet priced', value: c.unpriced },
      { metric: 'Voice-to-voice latency P50 (ms)', value: c.latency?.p50 ?? null, rounding: 'ms' },
      { metric: 'Voice-to-voice latency P95 (ms)', value: c.latency?.p95 ?? null, rounding: 'ms' },
    );
    for (const o of c.byOutcome) out.push({ metric: `Outcome: ${o.outcome}`, value: o.count });
    for (const d of c.dispositions) out.push({ metric: `Disposition: ${d.disposition}`, value: d.count });
    for (const f of c.flags) out.push({ metric: `Flag: ${f.flag}`, value: f.count });
  }
  if (s.qa) {
    out.push({ metric: 'QA scenario runs', value: s.qa.scenarioRuns });
    for (const [verdict, n] of Object.entries(s.qa.byVerdict))
      out.push({ metric: `QA verdict: ${verdict}`, value: n });
  }
  if (s.audit) out.push(...auditHeadLines(s.audit));
  return out;
}

/** The audit head's lines (the last lines of the summary; the HTML report shows them as their own block). */
export function auditHeadLines(a: ExportAuditHead): SummaryLine[] {
  const checked = a.keyChecked ? '' : ' (order only: the audit key was not available)';
  return [
    { metric: AUDIT_ROWS_METRIC, value: a.rows },
    { metric: 'Audit log head hash', value: a.headHash },
    { metric: 'Audit head anchored (UTC)', value: a.anchoredAt },
    {
      metric: 'Audit chain verified at export',
      value: a.verified ? `yes${checked}` : `no: ${a.problem ?? 'not verified'}`,
    },
  ];
}
export const AUDIT_ROWS_METRIC = 'Audit log rows (anchored head)';

/** A sheet with its row type erased, for writers that walk every sheet the same way. */
export type AnySheet = Sheet<unknown>;
const erase = <R>(s: Sheet<R>): AnySheet => s;

/** The sheets in order: Calls, Turns, QA verdicts, Summary; the calls' recordings named by `names`. */
export const sheetsFor = (names: RecordingNames = RECORDING_FILE_NAMES): readonly AnySheet[] => [
  erase({ name: 'Calls', file: 'calls.csv', columns: callColumns(names), rows: (s) => s.calls() }),
  erase({ name: 'Turns', file: 'turns.csv', columns: TURN_COLUMNS, rows: (s) => s.turns() }),
  erase({
    name: 'QA verdicts',
    file: 'qa_verdicts.csv',
    columns: VERDICT_COLUMNS,
    rows: (s) => s.verdicts(),
  }),
  erase({
    name: 'Summary',
    file: 'summary.csv',
    columns: SUMMARY_COLUMNS,
    rows: (s) => summaryLines(s.summary),
  }),
];
export const SHEETS = sheetsFor();

/**
 * The progress total of a tabular export as its rows are written: the data rows, known at once,
 * then with the summary's lines once they are (the summary is read last: see ExportSource.summary).
 */
export function progressTotal(s: ExportSource): (done: number) => number {
  const data = s.heading.counts.calls + s.heading.counts.turns + s.heading.counts.verdicts;
  return (done) => Math.max(data, done);
}

/** Rows a tabular export writes in all (the progress total of a writer that reads the summary first). */
export const totalRows = (s: ExportSource): number =>
  s.summary.counts.calls +
  s.summary.counts.turns +
  s.summary.counts.verdicts +
  summaryLines(s.summary).length;
