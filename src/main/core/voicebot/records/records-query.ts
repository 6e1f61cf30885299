import fs from 'node:fs/promises';
import type {
  RecordingChannel,
  VoicebotRecordingAudio,
  VoicebotSessionDetail,
  VoicebotSessionSummary,
} from '../../../../shared/voicebot';
import { UnsafeArtifactPath, type Artifacts } from '../../artifacts';
import type { VoicebotRepository } from '../../store';

export type RecordingResult =
  { ok: true; audio: VoicebotRecordingAudio } | { ok: false; code: 'not_found'; message: string };

/** Reads the voicebot's records for the Api: recent sessions, one session in full, its recordings. */
export class VoicebotRecords {
  constructor(
    private readonly repo: VoicebotRepository,
    private readonly artifacts: Artifacts,
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

  /** A channel of the session's recording as an artifact (registered once; its id is kept). */
  async recording(sessionId: string, channel: RecordingChannel): Promise<RecordingResult> {
    const paths = this.repo.recordings(sessionId);
    if (!paths)
      return { ok: false, code: 'not_found', message: `Session ${sessionId} has no recordings (yet).` };
    const file = paths[channel];
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile())
      return { ok: false, code: 'not_found', message: `The ${channel} recording file is missing: ${file}` };
    try {
      const artifact = this.artifacts.register({
        kind: 'recording',
        path: file,
        name: `call-${sessionId}-${channel}.wav`,
        mime: 'audio/wav',
        owner: `voicebot_session:${sessionId}`,
      });
      return { ok: true, audio: { sessionId, channel, artifact } };
    } catch (err) {
      // Only files under the data folder are served (the path comes from our database; still checked).
      if (err instanceof UnsafeArtifactPath)
        return {
          ok: false,
          code: 'not_found',
          message: `The ${channel} recording is outside the data folder.`,
        };
      throw err;
    }
  }
}
