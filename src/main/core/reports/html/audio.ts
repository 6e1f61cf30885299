import fs from 'node:fs';
import path from 'node:path';
import type { ExportCallRow, ExportRecording, RecordingOwner } from '../../../../shared/reports';
import { RECORDING_FILE_NAMES, type RecordingNames } from '../export/recording-names';

/**
 * How a report carries its recordings: `embed` puts them inside the HTML as data: URIs (one file to
 * hand over) until `embedLimitBytes` of audio is embedded, then copies the rest into the folder
 * beside it; `folder` copies every one into `<report>_files/`; `linked` plays copies someone else
 * put beside the report (the audit bundle's recordings/, by `RecordingLink`); `none` lists them
 * without audio (the PDF: a printed page plays nothing).
 */
export type AudioMode = 'embed' | 'folder' | 'linked' | 'none';

/** Where a recording's copy is, relative to the report (null: no copy, e.g. the file was lost). */
export type RecordingLink = (call: RecordingOwner, rec: ExportRecording) => string | null;
export const DEFAULT_EMBED_LIMIT_BYTES = 64 * 1024 * 1024;

export interface PlacedAudio {
  recording: ExportRecording;
  /** The recording as the report names it (see RecordingNames): never the stored absolute path. */
  name: string;
  /** Where the player loads it from; null when the file is not there any more (or mode none). */
  src: string | null;
  how: 'embedded' | 'folder' | 'linked' | 'missing' | 'listed';
  bytes: number;
}

/** Which recordings a call shows: the stereo mix (both sides) when there is one, else each channel. */
export function recordingsToShow(call: ExportCallRow): ExportRecording[] {
  const mixes = call.recordings.filter((r) => r.channel === 'mix');
  return mixes.length > 0 ? mixes : call.recordings;
}

/** The folder beside a report file: `report.html` → `report_files`. */
export const filesDirFor = (outFile: string): string =>
  path.join(path.dirname(outFile), `${path.basename(outFile, path.extname(outFile))}_files`);

/** Decides, call by call, where each recording goes; keeps the counts the summary states. */
export class AudioPlacer {
  private embeddedBytes = 0;
  readonly counts = { embedded: 0, folder: 0, linked: 0, missing: 0, listed: 0 };
  constructor(
    /** Where recordings copied beside the report go (see filesDirFor). */
    readonly filesDir: string,
    readonly mode: AudioMode,
    readonly embedLimitBytes = DEFAULT_EMBED_LIMIT_BYTES,
    private readonly link?: RecordingLink,
    private readonly names: RecordingNames = RECORDING_FILE_NAMES,
  ) {
    if (mode === 'linked' && !link) throw new Error('internal: linked recordings need a RecordingLink');
  }

  async place(call: RecordingOwner, rec: ExportRecording): Promise<PlacedAudio> {
    const placed = await this.placed(call, rec);
    return { ...placed, name: this.names.name(call, rec) };
  }

  private async placed(call: RecordingOwner, rec: ExportRecording): Promise<Omit<PlacedAudio, 'name'>> {
    if (this.mode === 'none') {
      this.counts.listed += 1;
      return { recording: rec, src: null, how: 'listed', bytes: 0 };
    }
    if (this.mode === 'linked') {
      const href = this.link?.(call, rec) ?? null;
      if (href === null) {
        this.counts.missing += 1;
        return { recording: rec, src: null, how: 'missing', bytes: 0 };
      }
      this.counts.linked += 1;
      const src = href.split('/').map(encodeURIComponent).join('/');
      return { recording: rec, src, how: 'linked', bytes: 0 };
    }
    let size: number;
    try {
      const stat = await fs.promises.stat(rec.path);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      this.counts.missing += 1;
      return { recording: rec, src: null, how: 'missing', bytes: 0 };
    }
    if (this.mode === 'embed' && this.embeddedBytes + size <= this.embedLimitBytes) {
      const data = await fs.promises.readFile(rec.path);
      this.embeddedBytes += size;
      this.counts.embedded += 1;
      return {
        recording: rec,
        src: `data:audio/wav;base64,${data.toString('base64')}`,
        how: 'embedded',
        bytes: size,
      };
    }
    const name = `${call.attemptId}-${rec.sessionId}-${rec.channel}.wav`.replace(/[^A-Za-z0-9._-]/g, '_');
    await fs.promises.mkdir(this.filesDir, { recursive: true });
    await fs.promises.copyFile(rec.path, path.join(this.filesDir, name));
    this.counts.folder += 1;
    const src = `${encodeURIComponent(path.basename(this.filesDir))}/${encodeURIComponent(name)}`;
    return { recording: rec, src, how: 'folder', bytes: size };
  }

  /** What the report says about its recordings, at its end. */
  note(): string {
    const c = this.counts;
    const parts: string[] = [];
    if (c.embedded > 0)
      parts.push(
        `${c.embedded} embedded in this file (up to ${Math.round(this.embedLimitBytes / 1048576)} MB of audio)`,
      );
    if (c.folder > 0)
      parts.push(
        `${c.folder} copied into the folder ${path.basename(this.filesDir)}/ beside this file` +
          (this.mode === 'embed' ? ' (over the embedding limit); keep the folder with the report' : ''),
      );
    if (c.linked > 0) parts.push(`${c.linked} played from the copies beside this report (not embedded)`);
    if (c.missing > 0) parts.push(`${c.missing} no longer on disk when the report was written`);
    if (c.listed > 0) parts.push(`${c.listed} listed by file (no audio in this format)`);
    return parts.length === 0 ? 'No recordings.' : `Recordings: ${parts.join('; ')}.`;
  }
}
