import { TERMINAL_CALL_STATES } from '../../../shared/telephony';
import type { CallStatsParts, CallTotals } from './stats';

/** What the fold takes from a call (one export row). */
export interface FoldedCall {
  state: string;
  answeredAt: string | null;
  durationSec: number | null;
  createdAt: string;
  /** The campaign attempt's flags (the text items of its JSON array). */
  flags: readonly string[];
}

/** What the fold takes from one of a call's voicebot sessions. */
export interface FoldedSession {
  disposition: string | null;
  startedAt: string;
  /** The session's voice-to-voice latencies. */
  latencies: readonly number[];
}

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_CALL_STATES);

/** The hour bucket CallStatsQuery's SQL gives (`substr(t, 1, 13) || ':00Z'`). */
const hourOf = (iso: string) => `${iso.slice(0, 13)}:00Z`;

/** SQLite's BINARY collation: UTF-8 bytes, i.e. code points (JS's `<` compares UTF-16 units). */
function binaryCompare(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Counts by count (descending), then key: the SQL's `ORDER BY count DESC, key`. */
function byCount<K extends string>(
  counts: Map<string, number>,
  key: K,
): (Record<K, string> & { count: number })[] {
  return [...counts]
    .sort(([a, n], [b, m]) => m - n || binaryCompare(a, b))
    .map(([k, count]) => ({ [key]: k, count }) as Record<K, string> & { count: number });
}

/**
 * The dashboard's statistics folded from rows already being read: an export reads every call and
 * session in scope anyway, so its summary adds these counts as the rows pass instead of reading the
 * calls a second time (CallStatsQuery: ~0.4 s per 100,000 calls). Gives CallStatsQuery's parts
 * exactly (a property test holds the two equal); the sums over the call rows (totals, where SQLite
 * sums floats) stay one SQL scan, readCallTotals.
 */
export class CallStatsFold {
  private readonly outcomes = new Map<string, number>();
  private readonly talk: number[] = [];
  private readonly perHour = new Map<string, number>();
  private readonly dispositions = new Map<string, number>();
  private readonly latency = new Map<string, number[]>();
  private readonly flags = new Map<string, number>();

  addCall(c: FoldedCall): void {
    if (TERMINAL.has(c.state)) this.outcomes.set(c.state, (this.outcomes.get(c.state) ?? 0) + 1);
    if (c.answeredAt !== null && c.durationSec !== null) this.talk.push(c.durationSec);
    const hour = hourOf(c.createdAt);
    this.perHour.set(hour, (this.perHour.get(hour) ?? 0) + 1);
    for (const f of c.flags) this.flags.set(f, (this.flags.get(f) ?? 0) + 1);
  }

  addSession(s: FoldedSession): void {
    if (s.disposition !== null)
      this.dispositions.set(s.disposition, (this.dispositions.get(s.disposition) ?? 0) + 1);
    if (s.latencies.length === 0) return;
    const hour = hourOf(s.startedAt);
    const samples = this.latency.get(hour);
    if (samples) samples.push(...s.latencies);
    else this.latency.set(hour, [...s.latencies]);
  }

  /** The parts, with the totals read by SQL over the same snapshot. */
  parts(totals: CallTotals): CallStatsParts {
    const ascending = (x: number, y: number) => x - y;
    return {
      totals,
      byOutcome: byCount(this.outcomes, 'outcome'),
      talk: [...this.talk].sort(ascending),
      dispositions: byCount(this.dispositions, 'disposition'),
      latencyByHour: [...this.latency]
        .sort(([a], [b]) => binaryCompare(a, b))
        .map(([hour, samples]) => ({ hour, samples: [...samples].sort(ascending) })),
      flags: byCount(this.flags, 'flag'),
      callsPerHour: [...this.perHour]
        .sort(([a], [b]) => binaryCompare(a, b))
        .map(([hour, calls]) => ({ hour, calls })),
    };
  }
}
