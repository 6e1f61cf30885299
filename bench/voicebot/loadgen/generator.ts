import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { absNow, percentile } from '../timing';
import { runCaller, type CallResult } from './caller';
import { schedule, type LoadPlan } from './plan';
import { TurnGate } from './turn-gate';

// Every caller of a plan in this one process (no process per call), each an ExotelStreamClient on its
// own media clock. The generator also measures itself: how late its frames left (timer slip) and its
// event loop's delay, so a loaded generator is not mistaken for a slow bot.

/** Slack the worst case gives before the longest line must start. */
const WORST_CASE_LEAD_MS = 300;

export interface GeneratorSlip {
  sendLateP50: number;
  sendLateP99: number;
  sendLateMax: number;
  loopDelayP99: number;
  loopDelayMax: number;
}

export interface LoadReport {
  calls: Omit<CallResult, 'sendLateMs'>[];
  slip: GeneratorSlip;
  /** The generator's own CPU over the run, ms (user + system). */
  cpuMs: number;
  wallMs: number;
}

export async function runGenerator(plan: LoadPlan): Promise<LoadReport> {
  const lines = plan.turns.map((file) => readFileSync(file));
  const gate =
    plan.mode === 'worst_case'
      ? new TurnGate(
          plan.calls,
          lines.map((pcm) => Math.ceil(pcm.length / 1600) * 100),
          WORST_CASE_LEAD_MS,
          plan.maxWaitMs,
        )
      : undefined;
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const runStartAbs = absNow() + 50;
  const results = await Promise.all(
    schedule(plan).map((s) =>
      runCaller({ plan, lines, runStartAbs, gate }, s).catch((err: unknown): CallResult => ({
        index: s.index,
        callSid: `${plan.callSidPrefix}-${s.index}`,
        answerAtMs: s.answerAtMs,
        answerLateMs: 0,
        turns: [],
        durationMs: 0,
        endedBy: 'error',
        error: String(err),
        sendLateMs: [],
      })),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  const sendLate = results.flatMap((r) => r.sendLateMs);
  return {
    calls: results.map(({ sendLateMs: _, ...call }) => call),
    slip: {
      sendLateP50: percentile(sendLate, 50),
      sendLateP99: percentile(sendLate, 99),
      sendLateMax: sendLate.reduce((a, b) => Math.max(a, b), -Infinity),
      loopDelayP99: eld.percentile(99) / 1e6,
      loopDelayMax: eld.max / 1e6,
    },
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: absNow() - runStartAbs,
  };
}
