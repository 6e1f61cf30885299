import type {
  TranscriptLine,
  TurnMetrics,
  VoicebotRecordingPaths,
  VoicebotSessionSummary,
} from '../../../shared/voicebot';
import type { Db } from './database';

export interface NewVoicebotSession {
  id: string;
  attemptId: string | null;
  streamSid: string;
  callSid: string;
  botId: string;
  sampleRate: number;
  startedAt: string;
}

export interface VoicebotSessionEnd {
  endedAt: string;
  endReason: string;
  disposition: string | null;
  transfer: 'agent' | 'none' | null;
  durationMs: number;
  turns: number;
  recordings: VoicebotRecordingPaths | null;
}

const SESSION_COLUMNS = `id, attempt_id AS attemptId, stream_sid AS streamSid, call_sid AS callSid,
  bot_id AS botId, sample_rate AS sampleRate, started_at AS startedAt, ended_at AS endedAt,
  end_reason AS endReason, disposition, transfer, duration_ms AS durationMs, turns`;

const LINE_COLUMNS = `seq, turn, speaker, kind, text, start_ms AS startMs, end_ms AS endMs,
  interrupted, confidence, state`;

const METRIC_COLUMNS = `turn, input, endpointing_ms AS endpointingMs, asr_ms AS asrMs, dialog_ms AS dialogMs,
  llm_first_token_ms AS llmFirstTokenMs, llm_total_ms AS llmTotalMs, tts_first_audio_ms AS ttsFirstAudioMs,
  response_ms AS responseMs, voice_to_voice_ms AS voiceToVoiceMs, bot_audio_ms AS botAudioMs,
  asr_late AS asrLate`;

type MetricRow = Omit<TurnMetrics, 'asrLate'> & { asrLate: number };

type LineRow = Omit<TranscriptLine, 'interrupted'> & { interrupted: number };

/** Voicebot sessions, their transcript lines and per-turn metrics (written as the call goes). */
export class VoicebotRepository {
  constructor(private readonly db: Db) {}

  insertSession(s: NewVoicebotSession): void {
    this.db
      .prepare(
        `INSERT INTO voicebot_sessions (id, attempt_id, stream_sid, call_sid, bot_id, sample_rate, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.id, s.attemptId, s.streamSid, s.callSid, s.botId, s.sampleRate, s.startedAt);
  }

  addLine(sessionId: string, l: TranscriptLine): void {
    this.db
      .prepare(
        `INSERT INTO voicebot_lines (session_id, seq, turn, speaker, kind, text, start_ms, end_ms, interrupted,
           confidence, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sessionId,
        l.seq,
        l.turn,
        l.speaker,
        l.kind,
        l.text,
        Math.round(l.startMs),
        Math.round(l.endMs),
        l.interrupted ? 1 : 0,
        l.confidence,
        l.state,
      );
  }

  addMetrics(sessionId: string, m: TurnMetrics): void {
    this.db
      .prepare(
        `INSERT INTO voicebot_turn_metrics (session_id, turn, input, endpointing_ms, asr_ms, dialog_ms,
           llm_first_token_ms, llm_total_ms, tts_first_audio_ms, response_ms, voice_to_voice_ms, bot_audio_ms,
           asr_late)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sessionId,
        m.turn,
        m.input,
        m.endpointingMs,
        m.asrMs,
        m.dialogMs,
        m.llmFirstTokenMs,
        m.llmTotalMs,
        m.ttsFirstAudioMs,
        m.responseMs,
        m.voiceToVoiceMs,
        m.botAudioMs,
        m.asrLate ? 1 : 0,
      );
  }

  endSession(id: string, e: VoicebotSessionEnd): void {
    this.db
      .prepare(
        `UPDATE voicebot_sessions SET ended_at = ?, end_reason = ?, disposition = ?, transfer = ?,
           duration_ms = ?, turns = ?, caller_wav = ?, bot_wav = ?, mix_wav = ? WHERE id = ?`,
      )
      .run(
        e.endedAt,
        e.endReason,
        e.disposition,
        e.transfer,
        Math.round(e.durationMs),
        e.turns,
        e.recordings?.caller ?? null,
        e.recordings?.bot ?? null,
        e.recordings?.mix ?? null,
        id,
      );
  }

  getSession(id: string): VoicebotSessionSummary | undefined {
    return this.db
      .prepare<[string], VoicebotSessionSummary>(
        `SELECT ${SESSION_COLUMNS} FROM voicebot_sessions WHERE id = ?`,
      )
      .get(id);
  }

  /** Sessions never ended: a crash stopped the app while they ran. */
  openSessions(): VoicebotSessionSummary[] {
    return this.db
      .prepare<[], VoicebotSessionSummary>(
        `SELECT ${SESSION_COLUMNS} FROM voicebot_sessions WHERE ended_at IS NULL ORDER BY started_at`,
      )
      .all();
  }

  /** Newest first, optionally only one call attempt's sessions. */
  listSessions(options: { limit?: number; attemptId?: string } = {}): VoicebotSessionSummary[] {
    const where = options.attemptId !== undefined ? 'WHERE attempt_id = ?' : '';
    const args: unknown[] = options.attemptId !== undefined ? [options.attemptId] : [];
    return this.db
      .prepare<unknown[], VoicebotSessionSummary>(
        `SELECT ${SESSION_COLUMNS} FROM voicebot_sessions ${where} ORDER BY started_at DESC, rowid DESC LIMIT ?`,
      )
      .all(...args, options.limit ?? 50);
  }

  recordings(id: string): VoicebotRecordingPaths | null {
    const row = this.db
      .prepare<[string], { caller: string | null; bot: string | null; mix: string | null }>(
        'SELECT caller_wav AS caller, bot_wav AS bot, mix_wav AS mix FROM voicebot_sessions WHERE id = ?',
      )
      .get(id);
    return row?.caller && row.bot && row.mix ? { caller: row.caller, bot: row.bot, mix: row.mix } : null;
  }

  lines(sessionId: string): TranscriptLine[] {
    return this.db
      .prepare<[string], LineRow>(
        `SELECT ${LINE_COLUMNS} FROM voicebot_lines WHERE session_id = ? ORDER BY seq`,
      )
      .all(sessionId)
      .map((r) => ({ ...r, interrupted: r.interrupted === 1 }));
  }

  metrics(sessionId: string): TurnMetrics[] {
    return this.db
      .prepare<[string], MetricRow>(
        `SELECT ${METRIC_COLUMNS} FROM voicebot_turn_metrics WHERE session_id = ? ORDER BY turn`,
      )
      .all(sessionId)
      .map(({ asrLate, ...m }) => (asrLate ? { ...m, asrLate: true } : m));
  }

  /**
   * A contact's name and variables, for the dialog's {{placeholders}}. Read here (not through the
   * contacts domain) because the voicebot needs one row, at call start, by id.
   */
  contactVariables(contactId: string): Record<string, string> | undefined {
    const id = Number(contactId);
    if (!Number.isInteger(id)) return undefined;
    const row = this.db
      .prepare<[number], { name: string; variables: string }>(
        'SELECT name, variables FROM contacts WHERE id = ?',
      )
      .get(id);
    if (!row) return undefined;
    let vars: Record<string, string> = {};
    try {
      const parsed: unknown = JSON.parse(row.variables);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        vars = Object.fromEntries(
          Object.entries(parsed as Record<string, unknown>).filter(
            (e): e is [string, string] => typeof e[1] === 'string',
          ),
        );
      }
    } catch {
      // An unreadable variables cell leaves only the name; the dialog reports what is missing.
    }
    return row.name ? { ...vars, name: vars.name ?? row.name } : vars;
  }
}
