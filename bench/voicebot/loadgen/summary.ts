import { fmt, percentile } from '../timing';
import type { LoadReport } from './generator';

// What a load run showed, from the callers' side: voice-to-voice per answered line, the lines the bot
// never answered, calls that failed, and (worst case) how close together the callers ended their lines.

export interface LoadSummary {
  calls: number;
  failedCalls: number;
  firstError?: string;
  /** Caller-side voice-to-voice of every answered line, ms. */
  voiceToVoice: number[];
  p50: number;
  p95: number;
  max: number;
  unanswered: number;
  /** Lines the bot talked over (its audio arrived while the caller was still saying them). */
  talkedOver: number;
  /**
   * Per turn: last line end − first line end across the callers, ms, on the callers' media clocks
   * (the schedule; the generator's timer slip is reported apart).
   */
  endSpreadMs: number[];
}

export function summarise(report: LoadReport): LoadSummary {
  const turns = report.calls.flatMap((c) => c.turns);
  const voiceToVoice = turns.map((t) => t.voiceToVoiceMs).filter((v): v is number => v !== null);
  const ends = new Map<number, number[]>();
  for (const t of turns) {
    ends.set(t.turn, [...(ends.get(t.turn) ?? []), t.lastLoudDueAbs]);
  }
  const failed = report.calls.filter((c) => c.endedBy === 'error');
  return {
    calls: report.calls.length,
    failedCalls: failed.length,
    firstError: failed[0]?.error,
    voiceToVoice,
    p50: percentile(voiceToVoice, 50),
    p95: percentile(voiceToVoice, 95),
    max: voiceToVoice.length ? Math.max(...voiceToVoice) : NaN,
    unanswered: turns.length - voiceToVoice.length,
    talkedOver: turns.filter((t) => t.botTalkedOver).length,
    endSpreadMs: [...ends.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, abs]) => Math.max(...abs) - Math.min(...abs)),
  };
}

/** One line: caller-side voice-to-voice and the generator's own slip. */
export function describe(s: LoadSummary, r: LoadReport): string {
  return (
    `caller-side voice-to-voice P50 ${fmt(s.p50, 0)}  P95 ${fmt(s.p95, 0)}  max ${fmt(s.max, 0)} ms ` +
    `(${s.voiceToVoice.length} lines${s.unanswered ? `, ${s.unanswered} unanswered` : ''}` +
    `${s.talkedOver ? `, ${s.talkedOver} talked over` : ''}` +
    `${s.failedCalls ? `, ${s.failedCalls} calls failed: ${s.firstError}` : ''}); ` +
    `generator slip P99 ${fmt(r.slip.sendLateP99)}  max ${fmt(r.slip.sendLateMax)} ms, ` +
    `loop delay P99 ${fmt(r.slip.loopDelayP99)} ms`
  );
}
