import fs from 'node:fs/promises';
import path from 'node:path';
import type { VoicebotRecordingPaths } from '../../../../shared/voicebot';
import type { Logger } from '../../logging';
import type { VoicebotRepository } from '../../store';
import { repairRecording } from './recording-files';

/** Why a session ended when the app stopped under it (a crash, a kill, a power cut). */
export const APP_STOPPED = 'app_stopped';

export interface RecoveredSession {
  sessionId: string;
  /** The repaired recording, or null when the call left no audio. */
  recordings: VoicebotRecordingPaths | null;
  durationMs: number;
}

/**
 * Start-up: every voicebot session a crash left open is ended as `app_stopped`, with what was
 * recorded so far kept playable (the WAV headers a running call leaves as placeholders are rewritten
 * from the bytes on disk, and the stereo mix is built). Its transcript lines and metrics, written as
 * the call went, stay as they are.
 */
export async function recoverSessions(d: {
  repo: VoicebotRepository;
  recordingsDir: string;
  log: Logger;
}): Promise<RecoveredSession[]> {
  const out: RecoveredSession[] = [];
  for (const s of d.repo.openSessions()) {
    let recordings: VoicebotRecordingPaths | null = null;
    try {
      recordings = (await repairRecording(path.join(d.recordingsDir, s.id), s.sampleRate)) ?? null;
    } catch (err) {
      d.log.error('could not repair the recording of a session the last run left open', {
        sessionId: s.id,
        err,
      });
    }
    const lines = d.repo.lines(s.id);
    const mediaMs = recordings ? await channelMs(recordings.caller, s.sampleRate) : 0;
    const durationMs = Math.max(mediaMs, ...lines.map((l) => l.endMs));
    d.repo.endSession(s.id, {
      endedAt: new Date().toISOString(),
      endReason: APP_STOPPED,
      disposition: null,
      transfer: null,
      durationMs,
      turns: new Set(lines.filter((l) => l.speaker === 'bot').map((l) => l.turn)).size,
      recordings,
    });
    out.push({ sessionId: s.id, recordings, durationMs });
  }
  if (out.length > 0)
    d.log.warn('voicebot sessions left open by the last run were ended', { sessions: out.length });
  return out;
}

async function channelMs(file: string, sampleRate: number): Promise<number> {
  const size = (await fs.stat(file)).size;
  return Math.round((Math.max(0, size - 44) / 2 / sampleRate) * 1000);
}
