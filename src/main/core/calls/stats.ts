import type { CallStats, Percentiles } from '../../../shared/call-stats';
import { TERMINAL_CALL_STATES } from '../../../shared/telephony';
import type { Db } from '../store';

/** Nearest-rank percentile of an ascending list (the value a share `q` of samples is at or below). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

const spread = (sorted: readonly number[]): Percentiles | null =>
  sorted.length === 0 ? null : { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

const TERMINAL_LIST = TERMINAL_CALL_STATES.map((s) => `'${s}'`).join(', ');
// An hour bucket from an ISO timestamp: `2026-11-26T02:00Z`.
const HOUR = (col: string) => `substr(${col}, 1, 13) || ':00Z'`;

/** Which calls: one campaign's, those created in [from, to), or both; empty: every call. */
export interface CallScope {
  campaignId?: string;
  from?: string;
  to?: string;
}

/**
 * The dashboard's statistics, over every call or one campaign's. Counting and grouping run in SQLite;
 * percentiles are read off the ordered samples it returns (SQLite has no percentile function).
 */
export class CallStatsQuery {
  constructor(private readonly db: Db) {}

  /** A campaign id (the dashboard), or a scope: a campaign and/or created-at range (exports). */
  stats(which?: string | CallScope): CallStats {
    const { campaignId, from, to } = typeof which === 'string' ? { campaignId: which } : (which ?? {});
    const params: Record<string, string> = {};
    const where: string[] = [];
    if (campaignId !== undefined) {
      where.push('a.campaign_id = @campaignId');
      params.campaignId = campaignId;
    }
    // ISO UTC strings compare in time order: `from` inclusive, `to` exclusive.
    if (from !== undefined) {
      where.push('a.created_at >= @from');
      params.from = from;
    }
    if (to !== undefined) {
      where.push('a.created_at < @to');
      params.to = to;
    }
    const scope = where.length === 0 ? '1 = 1' : where.join(' AND ');
    const all = <T>(sql: string) => this.db.prepare<Record<string, string>, T>(sql).all(params);
    const one = <T>(sql: string) => this.db.prepare<Record<string, string>, T>(sql).get(params);

    const totals = one<{
      total: number;
      active: number;
      finished: number;
      answered: number;
      completed: number;
      transfers: number;
      machine: number;
      avgDuration: number | null;
      spend: number;
      unpriced: number;
    }>(
      `SELECT count(*) AS total,
         coalesce(sum(a.state NOT IN (${TERMINAL_LIST})), 0) AS active,
         coalesce(sum(a.state IN (${TERMINAL_LIST})), 0) AS finished,
         coalesce(sum(a.state IN (${TERMINAL_LIST}) AND a.answered_at IS NOT NULL), 0) AS answered,
         coalesce(sum(a.state = 'completed'), 0) AS completed,
         coalesce(sum(a.transfer_decision = 'agent'), 0) AS transfers,
         coalesce(sum(lower(coalesce(a.answered_by, '')) LIKE 'machine%'), 0) AS machine,
         avg(CASE WHEN a.answered_at IS NOT NULL THEN a.duration_sec END) AS avgDuration,
         coalesce(sum(a.price), 0) AS spend,
         coalesce(sum(a.state IN (${TERMINAL_LIST}) AND a.price IS NULL), 0) AS unpriced
       FROM call_attempts a WHERE ${scope}`,
    ) ?? {
      total: 0,
      active: 0,
      finished: 0,
      answered: 0,
      completed: 0,
      transfers: 0,
      machine: 0,
      avgDuration: null,
      spend: 0,
      unpriced: 0,
    };

    const byOutcome = all<{ outcome: string; count: number }>(
      `SELECT a.state AS outcome, count(*) AS count FROM call_attempts a
       WHERE ${scope} AND a.state IN (${TERMINAL_LIST}) GROUP BY a.state ORDER BY count DESC, outcome`,
    );
    const talk = all<{ d: number }>(
      `SELECT a.duration_sec AS d FROM call_attempts a
       WHERE ${scope} AND a.answered_at IS NOT NULL AND a.duration_sec IS NOT NULL ORDER BY d`,
    ).map((r) => r.d);
    const dispositions = all<{ disposition: string; count: number }>(
      `SELECT s.disposition AS disposition, count(*) AS count
       FROM voicebot_sessions s JOIN call_attempts a ON a.id = s.attempt_id
       WHERE ${scope} AND s.disposition IS NOT NULL GROUP BY s.disposition ORDER BY count DESC, disposition`,
    );
    const turns = all<{ hour: string; v: number }>(
      `SELECT ${HOUR('s.started_at')} AS hour, m.voice_to_voice_ms AS v
       FROM voicebot_turn_metrics m JOIN voicebot_sessions s ON s.id = m.session_id
       JOIN call_attempts a ON a.id = s.attempt_id
       WHERE ${scope} AND m.voice_to_voice_ms IS NOT NULL ORDER BY hour, v`,
    );
    const flags = all<{ flag: string; count: number }>(
      `SELECT f.value AS flag, count(*) AS count
       FROM campaign_attempts ca JOIN call_attempts a ON a.id = ca.attempt_id, json_each(ca.flags) f
       WHERE ${scope} AND json_valid(ca.flags) GROUP BY f.value ORDER BY count DESC, flag`,
    );
    const callsPerHour = all<{ hour: string; calls: number }>(
      `SELECT ${HOUR('a.created_at')} AS hour, count(*) AS calls FROM call_attempts a
       WHERE ${scope} GROUP BY hour ORDER BY hour`,
    );

    const perHour = new Map<string, number[]>();
    for (const t of turns) {
      const list = perHour.get(t.hour) ?? [];
      list.push(t.v);
      perHour.set(t.hour, list);
    }
    const latencyByHour = [...perHour].map(([hour, v]) => ({
      hour,
      turns: v.length,
      p50: percentile(v, 0.5),
      p95: percentile(v, 0.95),
    }));

    return {
      campaignId: campaignId ?? null,
      total: totals.total,
      active: totals.active,
      byOutcome,
      finished: totals.finished,
      answered: totals.answered,
      answerRate: ratio(totals.answered, totals.finished),
      successRate: ratio(totals.completed, totals.finished),
      averageDurationSec: totals.avgDuration,
      talkTimeSec: spread(talk),
      transfers: totals.transfers,
      transferRate: ratio(totals.transfers, totals.answered),
      machineAnswered: totals.machine,
      spend: totals.spend,
      unpriced: totals.unpriced,
      dispositions,
      latencyByHour,
      latency: spread(turns.map((t) => t.v).sort((x, y) => x - y)),
      flags,
      callsPerHour,
    };
  }
}
