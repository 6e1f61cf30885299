import type { ExportRecording } from '../../../../shared/reports';
import type { FoldedSession } from '../../calls';
import { selectList, type RowForm } from './scope-sql';

/** What the calls sheet takes from a call's voicebot sessions. */
export interface CallSessions {
  /** The disposition of the latest session that set one. */
  disposition: string | null;
  /** Every voice-to-voice latency of the call's turns, ascending. */
  latencies: number[];
  /** Session by start, then caller, bot, mix. */
  recordings: ExportRecording[];
}

/** A row of the sessions statement in raw mode (an array, in the SELECT's order). */
type SessionSqlRow = [
  attemptId: string,
  sessionId: string,
  disposition: string | null,
  callerWav: string | null,
  botWav: string | null,
  mixWav: string | null,
  callerArtifact: string | null,
  botArtifact: string | null,
  mixArtifact: string | null,
  /** The session's voice-to-voice latencies, comma-separated (null: none). */
  latencies: string | null,
  startedAt: string,
];

const CHANNELS = ['caller', 'bot', 'mix'] as const;
const NONE: CallSessions = { disposition: null, latencies: [], recordings: [] };

/** The sessions statement (see CallSessionStream), for the scope's WHERE clause over call_attempts `a`. */
export function sessionsSql(where: string, form: RowForm = 'values'): string {
  // SQLite's text form of a REAL round-trips, so the latencies parse back to the stored numbers.
  const artifactOf = (channel: string) =>
    `CASE WHEN s.${channel}_wav IS NOT NULL THEN (SELECT id FROM artifacts
      WHERE owner = 'voicebot_session:' || s.id AND name = 'call-' || s.id || '-${channel}.wav' LIMIT 1) END`;
  const columns = [
    's.attempt_id',
    's.id',
    's.disposition',
    's.caller_wav',
    's.bot_wav',
    's.mix_wav',
    ...CHANNELS.map(artifactOf),
    `(SELECT group_concat(m.voice_to_voice_ms, ',') FROM voicebot_turn_metrics m
       WHERE m.session_id = s.id AND m.voice_to_voice_ms IS NOT NULL)`,
    's.started_at',
  ];
  return `SELECT ${selectList(columns, form)}
    FROM call_attempts a JOIN voicebot_sessions s ON s.attempt_id = a.id
    WHERE ${where} ORDER BY a.created_at, a.rowid, s.started_at, s.id`;
}

/**
 * The sessions of the scope's calls, read by one statement in the calls statement's order (attempt
 * by creation, then session by start) and taken call by call as the calls are read: a merge of two
 * ordered streams. It replaces three correlated subqueries per call (disposition, latencies,
 * recordings), measured at 30,000 calls as 72 ms of the calls statement's 163 ms of SQLite time
 * against 39 ms for this statement. Memory stays one call's sessions.
 */
export class CallSessionStream {
  private next: SessionSqlRow | undefined;

  /**
   * `rows`: the sessions statement's raw rows (see `sessionsSql`); `onSession` hears each session
   * as it is taken (the summary's statistics are folded from them).
   */
  constructor(
    private readonly rows: Iterator<unknown[]>,
    private readonly onSession?: (s: FoldedSession) => void,
  ) {
    this.next = this.advance();
  }

  /** Whether every session was taken (none left over: each matched a call asked for). */
  get drained(): boolean {
    return this.next === undefined;
  }

  /**
   * The sessions of `attemptId`. Ask for every call of the calls statement, in its order: both
   * statements cover the same attempts in the same order, so the streams stay aligned.
   */
  take(attemptId: string): CallSessions {
    if (this.next?.[0] !== attemptId) return NONE;
    let disposition: string | null = null;
    const latencies: number[] = [];
    const recordings: ExportRecording[] = [];
    while (this.next?.[0] === attemptId) {
      const s = this.next;
      // Sessions come by start: the last disposition set is the latest session's.
      if (s[2] !== null) disposition = s[2];
      for (let i = 0; i < CHANNELS.length; i++) {
        const path = s[3 + i];
        if (path)
          recordings.push({ sessionId: s[1], channel: CHANNELS[i]!, path, artifactId: s[6 + i] ?? null });
      }
      const own = s[9] === null ? [] : s[9].split(',').map(Number);
      for (const v of own) latencies.push(v);
      this.onSession?.({ disposition: s[2], startedAt: s[10], latencies: own });
      this.next = this.advance();
    }
    latencies.sort((x, y) => x - y);
    return { disposition, latencies, recordings };
  }

  /** Ends the statement early (an aborted export). */
  close(): void {
    this.rows.return?.();
    this.next = undefined;
  }

  private advance(): SessionSqlRow | undefined {
    const r = this.rows.next();
    return r.done ? undefined : (r.value as SessionSqlRow);
  }
}
