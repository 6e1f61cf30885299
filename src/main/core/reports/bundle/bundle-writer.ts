import fs from 'node:fs';
import path from 'node:path';
import {
  scopeSubject,
  type RecordingOwner,
  type ExportFormat,
  type ExportRecording,
  type ExportTurnRow,
} from '../../../../shared/reports';
import type { SecretStore } from '../../settings';
import type { Db } from '../../store';
import type { AuditLog } from '../audit-log';
import { recordingsInBundle } from '../export/recording-names';
import type { ExportSource } from '../export/row-source';
import {
  checkAborted,
  yieldToLoop,
  YIELD_EVERY_ROWS,
  type ExportProgress,
  type ExportWriter,
  type ExportWriters,
} from '../export/writers';
import { writeAuditSlice } from './audit-slice';
import { BundleZip } from './bundle-zip';
import { campaignProvenance, dncProvenance, listProvenance, notDialled } from './provenance';
import { qaRunAudio } from './qa-audio';
import { bundleReadme } from './readme';
import { bundleSigner } from './signing-key';

/** The report formats a bundle carries, when this build registers them. */
const REPORT_FORMATS: readonly ExportFormat[] = ['xlsx', 'csv', 'html'];

export interface BundleWriterDeps {
  /** The app's connection: the audit log, lists, campaigns and the Do-Not-Call register are read here. */
  db: Db;
  audit: AuditLog;
  secrets: SecretStore;
  /** The registry the bundle is registered in: its report writers write the bundle's report. */
  writers: ExportWriters;
  /** The data folder's recordings: only files under it are copied into a bundle. */
  recordingsDir: string;
  /** The data folder: a QA run's audio is copied from its qa/runs (artifact paths are relative to it). */
  dataDir: string;
  /** resources/audit/verify.mjs, copied into every bundle (asked when a bundle is written). */
  verifierFile: () => string;
}

const mediaTime = (ms: number | null) => {
  if (ms === null) return '--:--.---';
  const s = ms / 1000;
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${(s % 60).toFixed(3).padStart(6, '0')}`;
};

const realOrResolved = (p: string) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

/** `file` (symlinks resolved) lies under `dir` (already resolved). */
const inside = (dir: string, file: string) => realOrResolved(file).startsWith(dir + path.sep);

const transcriptText = (turns: ExportTurnRow[]) =>
  turns.map((t) => `[${mediaTime(t.mediaMs)}] ${t.speaker}: ${t.text}\n`).join('');

/** Safe as a file name inside the zip (attempt ids are hex, QA ids uuids; never trust that blindly). */
const fileSafe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);

/** Where a call's recording is copied in the bundle, when it is (the same path the HTML report links to). */
function recordingEntry(
  recordingsDir: string,
  c: RecordingOwner,
  r: ExportRecording,
): { path: string } | { path: null; missingAtExport: true } | { path: null; refused: string } {
  // Said, not skipped: a recording the data folder lost is part of the record.
  if (!fs.existsSync(r.path)) return { path: null, missingAtExport: true };
  // Only the app's own recordings: a path edited in the database must not pull another
  // file (a key, a document) into a bundle that leaves the machine.
  if (!inside(recordingsDir, r.path)) return { path: null, refused: 'outside the recordings folder' };
  return {
    path: `recordings/${fileSafe(c.attemptId)}/${fileSafe(r.sessionId)}-${r.channel}${path.extname(r.path) || '.wav'}`,
  };
}

/**
 * The audit bundle (`bundle` format): the report through the registry's writers, the recordings
 * copied in, a transcript per call, the audit-log slice with its anchored head, list provenance,
 * Do-Not-Call versions, campaign settings and history, README.txt and verify.mjs, under a manifest
 * signed with the install's Ed25519 key (see signing-key.ts).
 */
export function bundleWriter(deps: BundleWriterDeps): ExportWriter {
  return {
    extension: 'zip',
    mime: 'application/zip',
    signingKey: () => bundleSigner(deps.secrets).fingerprint,
    write: (source, outFile, progress, signal) => writeBundle(deps, source, outFile, progress, signal),
  };
}

async function writeBundle(
  deps: BundleWriterDeps,
  source: ExportSource,
  outFile: string,
  progress: ExportProgress,
  signal: AbortSignal,
): Promise<void> {
  const signer = bundleSigner(deps.secrets);
  const summary = source.summary;
  const reports = REPORT_FORMATS.filter((f) => deps.writers.has(f));
  const total = summary.counts.calls + summary.counts.turns + reports.length + 2;
  let done = 0;
  const step = (note: string, n = 1) => {
    done += n;
    progress({ done, total, note });
  };
  const tmp = fs.mkdtempSync(path.join(path.dirname(outFile), '.bundle-'));
  const recordingsDir = realOrResolved(deps.recordingsDir);
  // A QA run's audio, copied under recordings/qa/ (qa_runs.jsonl): by scenario run and channel.
  const qaAudio =
    summary.scope.kind === 'qa_run' ? qaRunAudio(deps.db, deps.dataDir, summary.scope.runId) : [];
  const qaCopies = new Map(
    qaAudio.flatMap((s) =>
      s.recordings.flatMap((a) => (a.path === null ? [] : [[`${s.scenarioRunId}:${a.channel}`, a.path]])),
    ),
  );
  // Where a recording's copy is in the bundle (calls.jsonl's or qa_runs.jsonl's `path`), or null.
  const inBundle = (c: RecordingOwner, r: ExportRecording): string | null =>
    summary.scope.kind === 'qa_run'
      ? (qaCopies.get(`${r.sessionId}:${r.channel}`) ?? null)
      : recordingEntry(recordingsDir, c, r).path;
  // The reports sit in report/: the HTML plays the bundle's copies, never a second copy of its own.
  const recordingLink = (c: RecordingOwner, r: ExportRecording) => {
    const copy = inBundle(c, r);
    return copy === null ? null : `../${copy}`;
  };
  // The reports name each recording by its copy's path in the bundle.
  const recordingNames = recordingsInBundle(inBundle);
  const zip = new BundleZip(outFile);
  try {
    zip.addBuffer('README.txt', bundleReadme({ ...summary, fingerprint: signer.fingerprint }));
    zip.addFile('verify.mjs', deps.verifierFile());
    for (const format of reports) {
      const writer = deps.writers.get(format);
      // report.xlsx, report.html; a format written as another kind of file says so (report.csv.zip).
      const name = `report.${format}${writer.extension === format ? '' : `.${writer.extension}`}`;
      const file = path.join(tmp, name);
      await writer.write(source, file, () => undefined, signal, { recordingLink, recordingNames });
      zip.addFile(`report/${name}`, file);
      step(`report ${format}`);
    }

    // Transcripts: the turns come grouped by call, in call order.
    const transcripts = new Set<string>();
    let current: { id: string; turns: ExportTurnRow[] } | undefined;
    const flushTranscript = () => {
      if (!current) return;
      const file = `transcripts/${fileSafe(current.id)}.txt`;
      if (!transcripts.has(file)) zip.addBuffer(file, transcriptText(current.turns));
      transcripts.add(file);
    };
    let n = 0;
    for (const t of source.turns()) {
      if (current?.id !== t.attemptId) {
        flushTranscript();
        current = { id: t.attemptId, turns: [] };
      }
      current.turns.push(t);
      if (++n % YIELD_EVERY_ROWS === 0) {
        checkAborted(signal);
        step('transcripts', YIELD_EVERY_ROWS);
        await yieldToLoop();
      }
    }
    flushTranscript();

    // Calls: one line each, their recordings copied in.
    const dncVersion = deps.db
      .prepare<[string], number | null>('SELECT dnc_version FROM call_attempts WHERE id = ?')
      .pluck();
    const lists = new Set<number>();
    const campaigns = new Set<string>();
    const numbers = new Set<string>();
    const testCalls = new Set<string>();
    if (summary.scope.kind === 'campaign') campaigns.add(summary.scope.campaignId);
    const callsFile = path.join(tmp, 'calls.jsonl');
    const out = fs.openSync(callsFile, 'w', 0o600);
    try {
      let lines: string[] = [];
      n = 0;
      for (const c of source.calls()) {
        if (c.listId !== null && /^\d+$/.test(c.listId)) lists.add(Number(c.listId));
        if (c.campaignId !== null) campaigns.add(c.campaignId);
        else testCalls.add(`test-call:${c.number}`);
        numbers.add(c.number);
        const recordings = c.recordings.map((r) => {
          const entry = recordingEntry(recordingsDir, c, r);
          if (entry.path !== null) zip.addFile(entry.path, r.path);
          return { channel: r.channel, ...entry };
        });
        const transcript = `transcripts/${fileSafe(c.attemptId)}.txt`;
        lines.push(
          JSON.stringify({
            attemptId: c.attemptId,
            callSid: c.callSid,
            number: c.number,
            campaignId: c.campaignId,
            listId: c.listId,
            createdAt: c.createdAt,
            state: c.state,
            dncVersion: dncVersion.get(c.attemptId) ?? null,
            recordings,
            transcript: transcripts.has(transcript) ? transcript : null,
          }) + '\n',
        );
        if (lines.length >= 500) {
          fs.writeSync(out, lines.join(''));
          lines = [];
        }
        if (++n % 200 === 0) {
          checkAborted(signal);
          step('calls', 200);
          await yieldToLoop();
        }
      }
      fs.writeSync(out, lines.join(''));
    } finally {
      fs.closeSync(out);
    }
    zip.addFile('calls.jsonl', callsFile);

    // A QA run: each scenario run's caller and bot audio copied in, listed in qa_runs.jsonl.
    if (summary.scope.kind === 'qa_run') {
      const lines = qaAudio.map((r) => {
        for (const a of r.recordings) if (a.path !== null) zip.addFile(a.path, a.file);
        const transcript = `transcripts/${fileSafe(r.scenarioRunId)}.txt`;
        return (
          JSON.stringify({
            ...r,
            recordings: r.recordings.map(({ channel, ...a }) =>
              a.path === null ? { channel, ...a } : { channel, path: a.path },
            ),
            transcript: transcripts.has(transcript) ? transcript : null,
          }) + '\n'
        );
      });
      zip.addBuffer('qa_runs.jsonl', lines.join(''));
    }

    // Provenance and the audit-log slice covering the calls' campaigns and lists. A campaign's own
    // list counts even when none of its contacts was dialled (all skipped, or not started yet).
    const campaignList = deps.db
      .prepare<[string], number | null>('SELECT list_id FROM campaigns WHERE id = ?')
      .pluck();
    for (const id of campaigns) {
      const listId = campaignList.get(id);
      if (typeof listId === 'number') lists.add(listId);
    }
    const listRows = listProvenance(deps.db, lists);
    // What the slice holds in full: rows about the export itself (its start row), its campaigns,
    // their lists, and test calls to its numbers.
    const subjects = new Set<string>([
      scopeSubject(summary.scope),
      ...[...campaigns].map((id) => `campaign:${id}`),
      ...listRows.flatMap((l) => [`list:${l.id}`, `list:${l.name}`]),
      ...testCalls,
    ]);
    const sliceFile = path.join(tmp, 'rows.jsonl');
    const slice = await writeAuditSlice(deps.db, deps.audit, subjects, sliceFile);
    zip.addFile('audit/rows.jsonl', sliceFile);
    zip.addBuffer('audit/head.json', JSON.stringify(slice.head, null, 1) + '\n');
    zip.addBuffer('provenance/lists.json', JSON.stringify(listRows, null, 1) + '\n');
    // The numbers a campaign did not dial are looked up too: a Do-Not-Call skip shows the version
    // that listed the number.
    for (const id of campaigns) for (const c of notDialled(deps.db, id)) numbers.add(c.number);
    zip.addBuffer('provenance/dnc.json', JSON.stringify(dncProvenance(deps.db, numbers), null, 1) + '\n');
    zip.addBuffer(
      'provenance/campaigns.json',
      JSON.stringify(campaignProvenance(deps.db, campaigns, slice.bySubject), null, 1) + '\n',
    );
    step('audit slice');
    checkAborted(signal);
    await zip.finish(
      {
        title: summary.title,
        scope: summary.scope,
        generatedAt: summary.generatedAt,
        // The rows of every format of this scope (ExportResult.counts): calls, transcript lines, QA verdicts.
        counts: summary.counts,
        audit: {
          fromSeq: slice.fromSeq,
          toSeq: slice.toSeq,
          fullRows: slice.fullRows,
          withheldRows: slice.withheldRows,
        },
      },
      signer,
    );
    // The steps above counted in batches: the job ends at its total.
    progress({ done: total, total, note: 'signed' });
  } catch (err) {
    zip.abort();
    throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
