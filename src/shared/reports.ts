import { z } from 'zod';
import type { CallStats, Percentiles } from './call-stats';
import type { QaCallerKind, QaVerdict } from './qa';

/**
 * Exports (issue 12): what an export covers, its formats, and the rows every writer gets. The rows
 * are the same for every format (CSV, XLSX, HTML, PDF, the audit bundle), so a number in one reads
 * the same in the others.
 */

export const EXPORT_FORMATS = ['xlsx', 'csv', 'html', 'pdf', 'bundle'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * A date (`2026-11-26`, a whole UTC day) or an ISO timestamp with its zone. `end` makes a bare date
 * mean the end of that day, so `--from 2026-11-01 --to 2026-11-30` covers the 30th too.
 */
function instant(end: boolean) {
  return z
    .string()
    .trim()
    .max(40)
    .transform((s, ctx) => {
      const dateOnly = DATE_ONLY.test(s);
      const ms = Date.parse(dateOnly ? `${s}T00:00:00.000Z` : s);
      if (Number.isNaN(ms) || (!dateOnly && !/(Z|[+-]\d{2}:?\d{2})$/i.test(s))) {
        ctx.addIssue({
          code: 'custom',
          message: `"${s}" is not a date (YYYY-MM-DD) or an ISO time with its zone (2026-11-26T09:30:00Z)`,
        });
        return z.NEVER;
      }
      return new Date(dateOnly && end ? ms + DAY_MS : ms).toISOString();
    });
}

/** What an export covers: one campaign's calls, one QA run, or every call placed in a time range. */
export const ExportScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('campaign'), campaignId: z.string().trim().min(1).max(200) }),
  z.strictObject({ kind: z.literal('qa_run'), runId: z.string().trim().min(1).max(100) }),
  z
    .strictObject({ kind: z.literal('range'), from: instant(false), to: instant(true) })
    // `from` is inclusive, `to` exclusive (ISO UTC strings compare in time order).
    .refine((r) => r.from < r.to, { message: 'the range ends before it starts', path: ['to'] }),
]);
export type ExportScopeInput = z.input<typeof ExportScopeSchema>;
export type ExportScope = z.output<typeof ExportScopeSchema>;

/** HTML recordings: embedded in the file (up to a size limit, the rest in the folder), or all in a folder beside it. */
export const REPORT_AUDIO = ['embed', 'folder'] as const;
export type ReportAudio = (typeof REPORT_AUDIO)[number];

export const ExportRequestSchema = z.strictObject({
  scope: ExportScopeSchema,
  format: ExportFormatSchema,
  /** HTML only; default embed. */
  audio: z.enum(REPORT_AUDIO).optional(),
  /**
   * The file name the report will be saved under (the CLI's --out), when not the export's own:
   * an HTML report's recordings folder is named after it (`<name>_files/`). One name, no folders.
   */
  reportName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((s) => !/[/\\\0]/.test(s) && s !== '.' && s !== '..', { message: 'a file name, without folders' })
    .optional(),
});
export type ExportRequest = z.output<typeof ExportRequestSchema>;

export function scopeSubject(scope: ExportScope): string {
  switch (scope.kind) {
    case 'campaign':
      return `campaign:${scope.campaignId}`;
    case 'qa_run':
      return `qa_run:${scope.runId}`;
    case 'range':
      return `calls:${scope.from}..${scope.to}`;
  }
}

/**
 * A recording file of a call: one channel of a voicebot session, by its path as recorded (the bundle
 * copies it) and its artifact id when it has been registered for playing (null before that).
 */
export interface ExportRecording {
  sessionId: string;
  channel: 'caller' | 'bot' | 'mix';
  path: string;
  artifactId: string | null;
}

/** Whose recording it is: a call (its attempt id), or a QA scenario run (its id, as attemptId). */
export interface RecordingOwner {
  attemptId: string;
}

/** One row per call attempt (a retry is its own row), as classic dialers' call detail records. */
export interface ExportCallRow {
  attemptId: string;
  /** The carrier's call id (Exotel CallSid); null when the dial never reached the carrier. */
  callSid: string | null;
  contactName: string | null;
  number: string;
  listId: string | null;
  listName: string | null;
  campaignId: string | null;
  campaignName: string | null;
  /** The campaign's attempt number for this contact (1 = first dial); null for a test call. */
  attemptNo: number | null;
  /** Who started the campaign (or placed the test call). */
  operator: string | null;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  /** CallDeck's state of the call (completed, busy, no_answer, failed, canceled, …). */
  state: string;
  /** What the carrier reported as the end (its status / reason), when it did. */
  carrierStatus: string | null;
  durationSec: number | null;
  /** What the carrier charged (account currency), once Exotel's call details settled it. */
  price: number | null;
  answeredBy: string | null;
  disposition: string | null;
  /** 'agent' when the bot handed the call to a person. */
  transfer: string | null;
  flags: string[];
  /** Voice-to-voice latency over the call's bot turns (ms), nearest-rank as the dashboard. */
  latency: Percentiles | null;
  recordings: ExportRecording[];
}

/** One transcript line. For a QA run, `attemptId` is the scenario run's id. */
export interface ExportTurnRow {
  attemptId: string;
  speaker: 'bot' | 'caller';
  text: string;
  /** Media time of the line's start, ms since the stream started. */
  mediaMs: number | null;
}

export interface ExportVerdictRow {
  runId: string;
  scenarioRunId: string;
  scenario: string;
  scenarioFile: string;
  caller: QaCallerKind;
  repeat: number;
  verdict: QaVerdict;
  endReason: string;
  failureKinds: string[];
  /** One line per failure: `expectation → what happened`, and judges' reasoning when they failed it. */
  reasons: string[];
  /** The caller's and the bot's audio (sessionId: the scenario run's id), when they were kept. */
  recordings: ExportRecording[];
}

export interface ExportSummary {
  /** A line for people naming what the export covers. */
  title: string;
  scope: ExportScope;
  generatedAt: string;
  /** The dashboard's statistics over the calls in scope (src/main/core/calls/stats.ts); null for a QA run. */
  calls: CallStats | null;
  /** Counts of QA scenario runs by verdict, when the scope holds any. */
  qa: { runs: number; scenarioRuns: number; byVerdict: Record<QaVerdict, number> } | null;
  /** Rows in each sheet. */
  counts: { calls: number; turns: number; verdicts: number };
  /** The audit log's head when the export was written (absent: written without the app's audit log). */
  audit?: ExportAuditHead;
}

/**
 * The audit chain's head as an export carries it (issue 8: the head is anchored in every export):
 * later, `calldeck audit verify` must still find row `rows` with hash `headHash` in the chain, so
 * rows deleted or rewritten since the export are told apart from rows added after it.
 */
export interface ExportAuditHead {
  /** Rows in the chain at the anchored head (null: no head could be read). */
  rows: number | null;
  /** The hash of row `rows` (hex). */
  headHash: string | null;
  /** When the head file was last anchored (null: the head file was missing or damaged). */
  anchoredAt: string | null;
  /** The whole chain checked out against its anchored head when the export was written. */
  verified: boolean;
  /** The chain's rows were authenticated with the audit key (false: checked for order only). */
  keyChecked: boolean;
  /** What the check found wrong, null when verified. */
  problem: string | null;
}

/** The export job's result: the file, served by artifact id. */
export interface ExportCounts {
  calls: number;
  /** Transcript lines. */
  turns: number;
  verdicts: number;
}

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-IN')} ${n === 1 ? one : many}`;

/** `12 calls, 23 transcript lines, 0 QA verdicts`: what an export's rows are. */
export function exportCountsText(c: ExportCounts): string {
  return [
    plural(c.calls, 'call', 'calls'),
    plural(c.turns, 'transcript line', 'transcript lines'),
    plural(c.verdicts, 'QA verdict', 'QA verdicts'),
  ].join(', ');
}

export interface ExportResult {
  format: ExportFormat;
  artifactId: string;
  name: string;
  size: number;
  sha256: string;
  /**
   * The rows exported: calls + transcript lines + QA verdicts (`counts`), the same for every format
   * of the same scope (not what a writer writes besides: summary lines, a bundle's files).
   */
  rows: number;
  counts: ExportCounts;
  /** The fingerprint of the key that signed the file (audit bundles): compare it when verifying. */
  signingKey?: string;
  /**
   * A report that links to a folder of recordings (an HTML report past its embedding limit, or
   * with audio in a folder): the file is then a zip holding the report, named `report`, and that
   * folder, named `filesDir`, side by side as the report's links expect them.
   */
  filesDir?: string;
  report?: string;
}
