import type { Migration } from '../migration';

/**
 * Voicebot records: one session per stream, its transcript lines (speaker, text, media times) and
 * per-turn latencies. Audio lives in WAV files under the data dir; the session row keeps their paths.
 * attempt_id stays a plain column: streams from QA or the CLI belong to no call attempt.
 */
export const m004Voicebot: Migration = {
  version: 4,
  name: 'voicebot: sessions, transcript lines, turn metrics',
  up: `
    CREATE TABLE voicebot_sessions (
      id TEXT PRIMARY KEY,
      attempt_id TEXT,
      stream_sid TEXT NOT NULL,
      call_sid TEXT NOT NULL,
      bot_id TEXT NOT NULL,
      sample_rate INTEGER NOT NULL,
      started_at TEXT NOT NULL,
      ended_at TEXT,
      end_reason TEXT,
      disposition TEXT,
      transfer TEXT CHECK (transfer IN ('agent', 'none')),
      duration_ms INTEGER,
      turns INTEGER NOT NULL DEFAULT 0,
      caller_wav TEXT,
      bot_wav TEXT,
      mix_wav TEXT
    );
    CREATE INDEX voicebot_sessions_attempt ON voicebot_sessions (attempt_id);
    CREATE INDEX voicebot_sessions_started ON voicebot_sessions (started_at);

    CREATE TABLE voicebot_lines (
      session_id TEXT NOT NULL REFERENCES voicebot_sessions (id),
      seq INTEGER NOT NULL,
      turn INTEGER NOT NULL,
      speaker TEXT NOT NULL CHECK (speaker IN ('bot', 'caller')),
      kind TEXT NOT NULL,
      text TEXT NOT NULL,
      start_ms INTEGER NOT NULL,
      end_ms INTEGER NOT NULL,
      interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
      confidence REAL,
      state TEXT,
      PRIMARY KEY (session_id, seq)
    );

    CREATE TABLE voicebot_turn_metrics (
      session_id TEXT NOT NULL REFERENCES voicebot_sessions (id),
      turn INTEGER NOT NULL,
      input TEXT NOT NULL,
      endpointing_ms REAL,
      asr_ms REAL,
      dialog_ms REAL,
      llm_first_token_ms REAL,
      llm_total_ms REAL,
      tts_first_audio_ms REAL,
      response_ms REAL,
      voice_to_voice_ms REAL,
      bot_audio_ms REAL NOT NULL,
      PRIMARY KEY (session_id, turn)
    );
  `,
};
