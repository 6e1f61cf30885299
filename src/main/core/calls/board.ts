import type { BoardCall } from '../../../shared/call-board';
import type { CallAttemptInfo } from '../../../shared/telephony';
import type { Db } from '../store';
import { percentile } from './stats';
import { attemptInfo } from './views';

export interface BoardQuery {
  campaignId?: string;
  attemptIds?: readonly string[];
  limit: number;
}

interface BoardRow extends CallAttemptInfo {
  campaignId: string | null;
  contactName: string | null;
  attemptNo: number | null;
  flags: string | null;
}

function parseFlags(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [`unreadable flags: ${raw.slice(0, 40)}`];
  }
}

/**
 * Added to a call's flags on the board when a bot turn's speech recognition missed its deadline (the
 * ASR workers were saturated): the caller was still heard and answered, later than planned.
 */
export const SPEECH_LATE_FLAG = 'speech_late';

/**
 * The live board's rows: each attempt with its contact's name, attempt number and flags (from the
 * campaign's records when it belongs to one), the bot's disposition and its median voice-to-voice.
 */
export class CallBoardQuery {
  constructor(private readonly db: Db) {}

  rows(q: BoardQuery): BoardCall[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: q.limit };
    if (q.campaignId !== undefined) {
      where.push('a.campaign_id = @campaignId');
      params.campaignId = q.campaignId;
    }
    if (q.attemptIds) {
      where.push('a.id IN (SELECT value FROM json_each(@ids))');
      params.ids = JSON.stringify(q.attemptIds);
    }
    const rows = this.db
      .prepare<Record<string, string | number>, BoardRow>(
        `SELECT a.id, a.number, a.mode, a.provider, a.provider_sid AS providerSid, a.state,
           a.transfer_decision AS transferDecision, a.answered_by AS answeredBy, a.end_reason AS endReason,
           a.duration_sec AS durationSec, a.price, a.created_at AS createdAt, a.updated_at AS updatedAt,
           coalesce(a.state_since, a.updated_at) AS stateSince,
           a.answered_at AS answeredAt, a.ended_at AS endedAt, a.campaign_id AS campaignId,
           coalesce(cc.name, c.name) AS contactName, ca.attempt_no AS attemptNo, ca.flags AS flags
         FROM call_attempts a
         LEFT JOIN contacts c ON c.id = CAST(a.contact_id AS INTEGER)
         LEFT JOIN campaign_attempts ca ON ca.attempt_id = a.id
         LEFT JOIN campaign_contacts cc ON cc.campaign_id = ca.campaign_id AND cc.contact_id = ca.contact_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY a.created_at DESC, a.rowid DESC LIMIT @limit`,
      )
      .all(params);
    const bot = this.botFacts(rows.map((r) => r.id));
    return rows.map((r) => ({
      ...attemptInfo(r),
      campaignId: r.campaignId,
      contactName: r.contactName,
      attemptNo: r.attemptNo,
      disposition: bot.disposition.get(r.id) ?? null,
      latencyMs: bot.latency.get(r.id) ?? null,
      flags: bot.late.has(r.id) ? [...parseFlags(r.flags), SPEECH_LATE_FLAG] : parseFlags(r.flags),
    }));
  }

  /**
   * Disposition (of the last session), median voice-to-voice and whether any turn's speech
   * recognition was late, per attempt, in three statements.
   */
  private botFacts(ids: readonly string[]) {
    const disposition = new Map<string, string>();
    const latency = new Map<string, number>();
    const late = new Set<string>();
    if (ids.length === 0) return { disposition, latency, late };
    // json_each keeps the statement the same for any number of ids.
    const list = JSON.stringify(ids);
    const sessions = this.db
      .prepare<[string], { attemptId: string; disposition: string }>(
        `SELECT s.attempt_id AS attemptId, s.disposition FROM voicebot_sessions s
         WHERE s.attempt_id IN (SELECT value FROM json_each(?)) AND s.disposition IS NOT NULL
         ORDER BY s.started_at`,
      )
      .all(list);
    for (const s of sessions) disposition.set(s.attemptId, s.disposition); // the latest wins
    const turns = this.db
      .prepare<[string], { attemptId: string; v: number }>(
        `SELECT s.attempt_id AS attemptId, m.voice_to_voice_ms AS v
         FROM voicebot_turn_metrics m JOIN voicebot_sessions s ON s.id = m.session_id
         WHERE s.attempt_id IN (SELECT value FROM json_each(?)) AND m.voice_to_voice_ms IS NOT NULL
         ORDER BY s.attempt_id, v`,
      )
      .all(list);
    let i = 0;
    while (i < turns.length) {
      const id = turns[i]?.attemptId ?? '';
      const values: number[] = [];
      for (; i < turns.length && turns[i]?.attemptId === id; i++) values.push(turns[i]?.v ?? 0);
      latency.set(id, Math.round(percentile(values, 0.5)));
    }
    const lateRows = this.db
      .prepare<[string], { attemptId: string }>(
        `SELECT DISTINCT s.attempt_id AS attemptId
         FROM voicebot_turn_metrics m JOIN voicebot_sessions s ON s.id = m.session_id
         WHERE s.attempt_id IN (SELECT value FROM json_each(?)) AND m.asr_late = 1`,
      )
      .all(list);
    for (const r of lateRows) late.add(r.attemptId);
    return { disposition, latency, late };
  }
}
