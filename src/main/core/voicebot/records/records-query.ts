import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  RecordingChannel,
  VoicebotRecordingAudio,
  VoicebotSessionDetail,
  VoicebotSessionSummary,
} from '../../../../shared/voicebot';
import type { VoicebotRepository } from '../../store';

/** Longer recordings are not sent through the Api (a 64 MB stereo mix is over an hour at 8 kHz). */
const MAX_PLAYABLE_BYTES = 64 * 1024 * 1024;

export type RecordingResult =
  | { ok: true; audio: VoicebotRecordingAudio }
  | { ok: false; code: 'not_found' | 'too_large'; message: string };

/** Reads the voicebot's records for the Api: recent sessions, one session in full, its recordings. */
export class VoicebotRecords {
  constructor(
    private readonly repo: VoicebotRepository,
    private readonly recordingsDir: string,
  ) {}

  sessions(options: { limit?: number; attemptId?: string } = {}): VoicebotSessionSummary[] {
    return this.repo.listSessions(options);
  }

  /** Undefined when there is no such session. */
  session(id: string): VoicebotSessionDetail | undefined {
    const session = this.repo.getSession(id);
    if (!session) return undefined;
    return {
      session,
      lines: this.repo.lines(id),
      metrics: this.repo.metrics(id),
      recordings: this.repo.recordings(id),
    };
  }

  async recording(sessionId: string, channel: RecordingChannel): Promise<RecordingResult> {
    const paths = this.repo.recordings(sessionId);
    if (!paths)
      return { ok: false, code: 'not_found', message: `Session ${sessionId} has no recordings (yet).` };
    // The path comes from our own database; still, only files under the recordings folder are served.
    const file = path.resolve(paths[channel]);
    if (!file.startsWith(path.resolve(this.recordingsDir) + path.sep))
      return {
        ok: false,
        code: 'not_found',
        message: `The ${channel} recording is outside the recordings folder.`,
      };
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile())
      return { ok: false, code: 'not_found', message: `The ${channel} recording file is missing: ${file}` };
    if (stat.size > MAX_PLAYABLE_BYTES)
      return {
        ok: false,
        code: 'too_large',
        message: `The ${channel} recording is ${Math.round(stat.size / 1048576)} MB: open it from ${file}.`,
      };
    const wav = await fs.readFile(file);
    return {
      ok: true,
      audio: { sessionId, channel, mime: 'audio/wav', bytes: wav.length, base64: wav.toString('base64') },
    };
  }
}
