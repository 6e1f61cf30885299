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

/** The sums over the scope's call_attempts rows (one SQL scan: the floats summed by SQLite). */
export interface CallTotals {
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
}

/**
 * What the statistics are made of before rates and percentiles: read by SQL (CallStatsQuery) or
 * folded from an export's rows (CallStatsFold), then put together by one function.
 */
export interface CallStatsParts {
  totals: CallTotals;
  /** Terminal states by count (descending), then name. */
  byOutcome: { outcome: string; count: number }[];
  /** Talk times of answered calls, ascending. */
  talk: number[];
  dispositions: { disposition: string; count: number }[];
  /** Voice-to-voice latencies per hour of their session's start: hours ascending, samples ascending. */
  latencyByHour: { hour: string; samples: number[] }[];
  flags: { flag: string; count: number }[];
  callsPerHour: { hour: string; calls: number }[];
}

/** A scope as a WHERE clause over call_attempts `a` and its named parameters. */
export function callScopeSql(scope: CallScope): { sql: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const where: string[] = [];
  if (scope.campaignId !== undefined) {
    where.push('a.campaign_id = @campaignId');
    params.campaignId = scope.campaignId;
  }
  // ISO UTC strings compare in time order: `from` inclusive, `to` exclusive.
  if (scope.from !== undefined) {
    where.push('a.created_at >= @from');
    params.from = scope.from;
  }
  if (scope.to !== undefined) {
    where.push('a.created_at < @to');
    params.to = scope.to;
  }
  return { sql: where.length === 0 ? '1 = 1' : where.join(' AND '), params };
}

const NO_TOTALS: CallTotals = {
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

/** The totals' columns, in CallTotals' order (each SQL over call_attempts `a`). */
const TOTALS: readonly [keyof CallTotals, string][] = [
  ['total', 'count(*)'],
  ['active', `coalesce(sum(a.state NOT IN (${TERMINAL_LIST})), 0)`],
  ['finished', `coalesce(sum(a.state IN (${TERMINAL_LIST})), 0)`],
  ['answered', `coalesce(sum(a.state IN (${TERMINAL_LIST}) AND a.answered_at IS NOT NULL), 0)`],
  ['completed', `coalesce(sum(a.state = 'completed'), 0)`],
  ['transfers', `coalesce(sum(a.transfer_decision = 'agent'), 0)`],
  ['machine', `coalesce(sum(lower(coalesce(a.answered_by, '')) LIKE 'machine%'), 0)`],
  ['avgDuration', 'avg(CASE WHEN a.answered_at IS NOT NULL THEN a.duration_sec END)'],
  ['spend', 'coalesce(sum(a.price), 0)'],
  ['unpriced', `coalesce(sum(a.state IN (${TERMINAL_LIST}) AND a.price IS NULL), 0)`],
];

/**
 * The totals as one statement over call_attempts `a` for a WHERE clause: its one row as named
 * columns, or (`json`) one JSON array in CallTotals' order (see callTotalsFromArray), for a
 * connection elsewhere (an export's row worker).
 */
export function callTotalsSql(where: string, json = false): string {
  const list = json
    ? `json_array(${TOTALS.map(([, sql]) => sql).join(', ')})`
    : TOTALS.map(([name, sql]) => `${sql} AS ${name}`).join(', ');
  return `SELECT ${list} FROM call_attempts a WHERE ${where}`;
}

/** The totals from callTotalsSql's JSON array. */
export function callTotalsFromArray(values: readonly unknown[]): CallTotals {
  return Object.fromEntries(TOTALS.map(([name], i) => [name, values[i] ?? null])) as unknown as CallTotals;
}

/** The sums over the scope's calls (the part of the statistics always read by SQL). */
export function readCallTotals(db: Db, scope: CallScope): CallTotals {
  const { sql, params } = callScopeSql(scope);
  return db.prepare<Record<string, string>, CallTotals>(callTotalsSql(sql)).get(params) ?? NO_TOTALS;
}

/** The statistics from their parts: rates, percentiles. */
export function assembleCallStats(campaignId: string | null, p: CallStatsParts): CallStats {
  const { totals } = p;
  return {
    campaignId,
    total: totals.total,
    active: totals.active,
    byOutcome: p.byOutcome,
    finished: totals.finished,
    answered: totals.answered,
    answerRate: ratio(totals.answered, totals.finished),
    successRate: ratio(totals.completed, totals.finished),
    averageDurationSec: totals.avgDuration,
    talkTimeSec: spread(p.talk),
    transfers: totals.transfers,
    transferRate: ratio(totals.transfers, totals.answered),
    machineAnswered: totals.machine,
    spend: totals.spend,
    unpriced: totals.unpriced,
    dispositions: p.dispositions,
    latencyByHour: p.latencyByHour.map(({ hour, samples }) => ({
      hour,
      turns: samples.length,
      p50: percentile(samples, 0.5),
      p95: percentile(samples, 0.95),
    })),
    latency: spread(p.latencyByHour.flatMap((h) => h.samples).sort((x, y) => x - y)),
    flags: p.flags,
    callsPerHour: p.callsPerHour,
  };
}

/**
 * The dashboard's statistics, over every call or one campaign's. Counting and grouping run in SQLite;
 * percentiles are read off the ordered samples it returns (SQLite has no percentile function).
 */
export class CallStatsQuery {
  constructor(private readonly db: Db) {}

  /**
   * A campaign id (the dashboard), or a scope: a campaign and/or created-at range (exports);
   * `totals`: the scope's totals if already read in the same snapshot.
   */
  stats(which?: string | CallScope, totals?: CallTotals): CallStats {
    const scope: CallScope = typeof which === 'string' ? { campaignId: which } : (which ?? {});
    const { sql: where, params } = callScopeSql(scope);
    const all = <T>(sql: string) => this.db.prepare<Record<string, string>, T>(sql).all(params);

    const turns = this.db
      .prepare<Record<string, string>, [string, number]>(
        `SELECT ${HOUR('s.started_at')}, m.voice_to_voice_ms
         FROM voicebot_turn_metrics m JOIN voicebot_sessions s ON s.id = m.session_id
         JOIN call_attempts a ON a.id = s.attempt_id
         WHERE ${where} AND m.voice_to_voice_ms IS NOT NULL ORDER BY 1, 2`,
      )
      .raw(true)
      .all(params);
    const latencyByHour: CallStatsParts['latencyByHour'] = [];
    for (const [hour, v] of turns) {
      const last = latencyByHour.at(-1);
      if (last?.hour === hour) last.samples.push(v);
      else latencyByHour.push({ hour, samples: [v] });
    }

    return assembleCallStats(scope.campaignId ?? null, {
      totals: totals ?? readCallTotals(this.db, scope),
      byOutcome: all(
        `SELECT a.state AS outcome, count(*) AS count FROM call_attempts a
         WHERE ${where} AND a.state IN (${TERMINAL_LIST}) GROUP BY a.state ORDER BY count DESC, outcome`,
      ),
      talk: this.db
        .prepare<Record<string, string>, number>(
          `SELECT a.duration_sec FROM call_attempts a
           WHERE ${where} AND a.answered_at IS NOT NULL AND a.duration_sec IS NOT NULL ORDER BY 1`,
        )
        .pluck()
        .all(params),
      dispositions: all(
        `SELECT s.disposition AS disposition, count(*) AS count
         FROM voicebot_sessions s JOIN call_attempts a ON a.id = s.attempt_id
         WHERE ${where} AND s.disposition IS NOT NULL GROUP BY s.disposition ORDER BY count DESC, disposition`,
      ),
      latencyByHour,
      // A campaign attempt's flags: the text items of its JSON array (as the export lists them).
      flags: all(
        `SELECT f.value AS flag, count(*) AS count
         FROM campaign_attempts ca JOIN call_attempts a ON a.id = ca.attempt_id, json_each(ca.flags) f
         WHERE ${where} AND CASE WHEN json_valid(ca.flags) THEN json_type(ca.flags) END = 'array'
           AND f.type = 'text'
         GROUP BY f.value ORDER BY count DESC, flag`,
      ),
      callsPerHour: all(
        `SELECT ${HOUR('a.created_at')} AS hour, count(*) AS calls FROM call_attempts a
         WHERE ${where} GROUP BY hour ORDER BY hour`,
      ),
    });
  }
}
