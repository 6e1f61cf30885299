import type { BenchRig } from '../harness';
import { runLoad, summarise, type LoadMode, type LoadSummary, type GeneratorSlip } from '../loadgen';
import { absNow, percentile } from '../timing';
import { StepMeter } from './meter';

// One stack, one mode: N simultaneous calls stepped up until the first step that does not hold
// (caller-side voice-to-voice P95 over the limit, a line the bot never answered, or a call that
// failed), or until the run's time budget is spent.

export const P95_LIMIT_MS = 800;

export interface StepResult {
  calls: number;
  held: boolean;
  /** Why the step did not hold. */
  why?: string;
  caller: LoadSummary;
  slip: GeneratorSlip;
  /** The generator's own CPU, % of one core over the step (it must not be the bottleneck). */
  generatorCpuPct: number;
  /** Warnings and errors the voicebot logged during the step (e.g. late speech jobs), with the first. */
  warnings: { count: number; first?: string };
  /** The bot's own voice-to-voice (its records): endpointing in media time plus compute. */
  bot: { p50: number; p95: number; n: number };
  /** CPU seconds the bot's processes used per minute of call. */
  cpuSPerCallMinute: number;
  /**
   * Peak resident memory of the bot's processes (this one with its worker threads, and the flite
   * children) during the step, minus the same before any call (idle, speech loaded), per call (MB).
   */
  mbPerCall: number;
  /** That peak, MB. */
  rssPeakMb: number;
  wallS: number;
}

export interface SearchOptions {
  rig: BenchRig;
  label: string;
  mode: LoadMode;
  steps: number[];
  turns: string[];
  rampMs: number;
  seed: number;
  /** Wall time (absNow) after which no new step starts. */
  deadlineAbs: number;
  /** Resident memory of the bot's processes when idle, before any call (bytes). */
  idleRssBytes: number;
  onStep?: (step: StepResult) => void;
}

/** Longest wait for a bot turn to play: the demo bot's longest prompt is ~13 s. */
const MAX_WAIT_MS = 30_000;

export async function search(o: SearchOptions): Promise<{ steps: StepResult[]; stoppedBy?: string }> {
  const steps: StepResult[] = [];
  let lastWallMs = 60_000;
  for (const calls of o.steps) {
    if (absNow() + lastWallMs > o.deadlineAbs) return { steps, stoppedBy: `time budget (before N=${calls})` };
    const prefix = `${o.label}-${o.mode}-${calls}-${Date.now()}`;
    const problemsBefore = o.rig.problems.length;
    const meter = new StepMeter();
    const wall0 = absNow();
    // A generator that fails or overruns ends the search with its error (the steps so far are printed).
    const report = await runLoad(
      {
        url: o.rig.streamUrl,
        calls,
        mode: o.mode,
        seed: o.seed + calls,
        rampMs: o.rampMs,
        thinkMs: { min: 300, max: 1500 },
        turns: o.turns,
        maxWaitMs: MAX_WAIT_MS,
        callSidPrefix: prefix,
        hangupAfterLastReply: true,
      },
      o.rampMs + (o.turns.length + 2) * MAX_WAIT_MS,
      (pid) => meter.excludePid(pid),
    ).finally(() => o.rig.voicebot.idle());
    const use = meter.stop();
    lastWallMs = absNow() - wall0;
    const caller = summarise(report);
    const callMinutes = report.calls.reduce((a, c) => a + c.durationMs, 0) / 60_000;
    const bot = botVoiceToVoice(o.rig, prefix);
    const why =
      caller.failedCalls > 0
        ? `${caller.failedCalls} calls failed`
        : caller.unanswered > 0
          ? `${caller.unanswered} lines unanswered`
          : caller.voiceToVoice.length === 0
            ? 'nothing measured'
            : caller.p95 > P95_LIMIT_MS
              ? `P95 ${caller.p95.toFixed(0)} ms > ${P95_LIMIT_MS} ms`
              : undefined;
    const step: StepResult = {
      calls,
      held: why === undefined,
      why,
      caller,
      slip: report.slip,
      generatorCpuPct: (100 * report.cpuMs) / report.wallMs,
      warnings: {
        count: o.rig.problems.length - problemsBefore,
        first: o.rig.problems[problemsBefore]?.message,
      },
      bot: { p50: percentile(bot, 50), p95: percentile(bot, 95), n: bot.length },
      cpuSPerCallMinute: callMinutes > 0 ? use.cpuMs / 1000 / callMinutes : NaN,
      mbPerCall: (use.rssPeak - o.idleRssBytes) / 1e6 / calls,
      rssPeakMb: use.rssPeak / 1e6,
      wallS: lastWallMs / 1000,
    };
    steps.push(step);
    o.onStep?.(step);
    if (!step.held) return { steps };
  }
  return { steps };
}

/** The bot's own voice-to-voice for the lines of the calls whose callSid starts with `prefix`. */
function botVoiceToVoice(rig: BenchRig, prefix: string): number[] {
  return rig.records
    .sessions({ limit: 500 })
    .filter((s) => s.callSid.startsWith(`${prefix}-`))
    .flatMap((s) => rig.records.session(s.id)?.metrics ?? [])
    .filter((m) => m.input === 'speech' || m.input === 'no_match')
    .map((m) => m.voiceToVoiceMs)
    .filter((v): v is number => v !== null);
}
