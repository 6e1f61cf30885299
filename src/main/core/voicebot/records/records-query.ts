import type { VoicebotSessionDetail, VoicebotSessionSummary } from '../../../../shared/voicebot';
import type { VoicebotRepository } from '../../store';

/** Reads the voicebot's records for the Api: recent sessions, and one session in full. */
export class VoicebotRecords {
  constructor(private readonly repo: VoicebotRepository) {}

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
}
