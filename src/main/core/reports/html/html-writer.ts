import type { ExportTurnRow } from '../../../../shared/reports';
// Each from its file, not the export folder's index: that index registers these writers.
import type { RecordingNames } from '../export/recording-names';
import type { ExportSource } from '../export/row-source';
import { totalRows } from '../export/sheets';
import { checkAborted, yieldToLoop, YIELD_EVERY_ROWS, type ExportWriter } from '../export/writers';
import {
  AudioPlacer,
  DEFAULT_EMBED_LIMIT_BYTES,
  filesDirFor,
  recordingsToShow,
  type AudioMode,
  type RecordingLink,
} from './audio';
import {
  callSection,
  callsTableEnd,
  callsTableRow,
  callsTableStart,
  documentEnd,
  partEnd,
  documentStart,
  summarySection,
  verdictSection,
  verdictsHeading,
} from './sections';
import { ReportOut, type PartsOptions } from './report-out';

export interface HtmlReportOptions {
  /** Default `embed` (one file), up to `embedLimitBytes` of audio; see AudioMode. */
  audio?: AudioMode;
  embedLimitBytes?: number;
  /** With audio `linked`: where each recording's copy is, relative to the report. */
  recordingLink?: RecordingLink;
  /** The folder beside the report for its recordings (default `<outFile>_files`). */
  filesDir?: string;
  /** How recordings are named where the report lists them (default: by file name). */
  recordingNames?: RecordingNames;
  /** Cut into documents of bounded size (for printing); default one file. */
  parts?: PartsOptions;
}

/**
 * The turns of one call (or scenario run) at a time, from the source's single ordered pass over all
 * turns: the source yields turns in its calls' (and verdicts') order, so this is a merge, never a
 * map of every transcript in memory.
 */
class TurnCursor {
  private next: IteratorResult<ExportTurnRow>;
  constructor(private readonly it: Iterator<ExportTurnRow>) {
    this.next = it.next();
  }
  /** Ends the pass early (the statement under it is released). */
  close(): void {
    this.it.return?.();
  }
  take(attemptId: string): ExportTurnRow[] {
    const out: ExportTurnRow[] = [];
    while (!this.next.done && this.next.value.attemptId === attemptId) {
      out.push(this.next.value);
      this.next = this.it.next();
    }
    return out;
  }
}

function audioPolicy(mode: AudioMode, limit: number, filesDir: string): string {
  switch (mode) {
    case 'embed':
      // The folder is named at the end only if it was used: named here, it was a folder the
      // reader looked for and never found (an internal name, not the file's).
      return `Recordings are embedded in this file up to ${Math.round(limit / 1048576)} MB of audio; beyond that they are copied into a folder beside it (the note at the end names it).`;
    case 'folder':
      return `Recordings are in the folder ${filesDir}/ beside this file.`;
    case 'linked':
      return "Recordings play from the bundle's own copies in its recordings/ folder (unzip the bundle to play them).";
    case 'none':
      return 'Recordings are listed by file; the HTML export and the audit bundle carry the audio.';
  }
}

/**
 * Writes the report as a stream: the summary and its charts, the calls table, then each call's
 * section (timeline, transcript, latency, players) and each QA verdict with its reasons. One call's
 * section (its turns and its audio) is in memory at a time; writes wait for the file to drain.
 * Returns the documents written: `outFile`, then the continuations when `parts` cuts it.
 */
export async function writeHtmlReport(
  source: ExportSource,
  outFile: string,
  options: HtmlReportOptions,
  progress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<string[]> {
  const mode = options.audio ?? 'embed';
  const limit = options.embedLimitBytes ?? DEFAULT_EMBED_LIMIT_BYTES;
  const audio = new AudioPlacer(
    options.filesDir ?? filesDirFor(outFile),
    mode,
    limit,
    options.recordingLink,
    options.recordingNames,
  );
  const total = totalRows(source);
  let done = 0;
  const step = async (n: number) => {
    const before = done;
    done += n;
    if (Math.floor(done / YIELD_EVERY_ROWS) !== Math.floor(before / YIELD_EVERY_ROWS)) {
      progress(done, total);
      await yieldToLoop();
    }
  };
  checkAborted(signal);
  const { summary } = source;
  const out = new ReportOut(
    outFile,
    documentStart(summary, audioPolicy(mode, limit, audio.filesDir.split(/[\\/]/).pop() ?? '')),
    options.parts,
  );
  // A document the next one continues just ends; the last one ends with the recordings note.
  const tail = partEnd;
  try {
    await out.write(summarySection(summary));
    progress(done, total);
    if (summary.counts.calls > 0) {
      await out.write(callsTableStart(summary.counts.calls));
      let n = 0;
      for (const call of source.calls()) {
        await out.write(callsTableRow(++n, call));
        await out.mark(1, callsTableEnd, tail, callsTableStart(summary.counts.calls, true));
        if (n % YIELD_EVERY_ROWS === 0) {
          await yieldToLoop();
          checkAborted(signal);
        }
      }
      await out.write(callsTableEnd);
      await out.write('<h2 id="call-details">Each call</h2>\n');
      const turns = new TurnCursor(source.turns());
      n = 0;
      try {
        for (const call of source.calls()) {
          checkAborted(signal);
          const lines = turns.take(call.attemptId);
          const placed = [];
          for (const rec of recordingsToShow(call)) placed.push(await audio.place(call, rec));
          await out.write(callSection(++n, call, lines, placed));
          await out.mark(10 + lines.length, '', tail, '');
          await step(1 + lines.length);
        }
      } finally {
        turns.close();
      }
    }
    if (summary.counts.verdicts > 0) {
      await out.write(verdictsHeading(summary.counts.verdicts));
      const turns = new TurnCursor(source.turns());
      let n = 0;
      try {
        for (const v of source.verdicts()) {
          checkAborted(signal);
          const lines = turns.take(v.scenarioRunId);
          // The caller's and the bot's audio, placed as a call's (embedded, in the folder, linked).
          const placed = [];
          for (const rec of v.recordings) placed.push(await audio.place({ attemptId: v.scenarioRunId }, rec));
          await out.write(verdictSection(++n, v, lines, placed));
          await out.mark(10 + lines.length, '', tail, '');
          await step(1 + lines.length);
        }
      } finally {
        turns.close();
      }
    }
    await out.end(documentEnd(audio.note()));
    progress(total, total);
    return out.files;
  } finally {
    out.destroy();
  }
}

export function htmlWriter(options: HtmlReportOptions = {}): ExportWriter {
  return {
    extension: 'html',
    mime: 'text/html; charset=utf-8',
    write: async (source, outFile, progress, signal, asked) =>
      void (await writeHtmlReport(
        source,
        outFile,
        {
          ...options,
          ...(asked?.audio ? { audio: asked.audio } : {}),
          ...(asked?.recordingNames ? { recordingNames: asked.recordingNames } : {}),
          ...(asked?.filesDir ? { filesDir: asked.filesDir } : {}),
          ...(asked?.recordingLink ? { audio: 'linked', recordingLink: asked.recordingLink } : {}),
        },
        (done, total) => progress({ done, total }),
        signal,
      )),
  };
}
