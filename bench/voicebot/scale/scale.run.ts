import { it } from 'vitest';
import { createSpeechProviders, type SpeechProviders } from '../../../src/main/core/speech';
import { fakeSpeech, makeBenchRig } from '../harness';
import { callerAudio, type LoadMode } from '../loadgen';
import { absNow, fmt, RATE } from '../timing';
import { botRssBytes, machine } from './meter';
import { P95_LIMIT_MS, search, type StepResult } from './search';

// Scale of the voicebot (issue 13, item 4): the largest number of simultaneous calls whose
// voice-to-voice, measured on the CALLERS' side by the load generator (its own child process, real
// time, flite-made caller lines), keeps P95 ≤ 800 ms, staggered and in the worst case (every caller
// ends its line within the same 100 ms). The real voicebot (demo bot, records on) runs in this
// process with the OFFLINE stack (fvad, soundswallower, flite), then with FAKE speech: the ceiling the
// pipeline alone allows. N steps up and stops at the first step that does not hold.
//
// Env: SCALE_STEPS=1,10,20 SCALE_STACKS=offline,fake SCALE_MODES=staggered,worst_case
// SCALE_RAMP_MS=5000 (answer times spread) SCALE_BUDGET_S=1800 (no step starts after it).

const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').filter(Boolean);
const STEPS = list('SCALE_STEPS', '1,10,20,40,60,80,100').map(Number);
const STACKS: string[] = list('SCALE_STACKS', 'offline,fake').filter((s) => s === 'offline' || s === 'fake');
const MODES = list('SCALE_MODES', 'staggered,worst_case').filter(
  (m): m is LoadMode => m === 'staggered' || m === 'worst_case',
);
const RAMP_MS = Number(process.env.SCALE_RAMP_MS ?? '5000');
const BUDGET_S = Number(process.env.SCALE_BUDGET_S ?? '1800');
/** What every caller says: the demo bot's reschedule path (yes → change → a day → no → which day). */
const LINES = ['yes', 'change', 'friday', 'no'];

type Outcome = { steps: StepResult[]; stoppedBy?: string };

const row = (stack: string, mode: LoadMode, s: StepResult) =>
  `  ${stack.padEnd(7)} ${mode.padEnd(10)} N=${String(s.calls).padStart(3)}: ${s.held ? 'held  ' : 'FAILED'} ` +
  `caller v2v P50 ${fmt(s.caller.p50, 0)}  P95 ${fmt(s.caller.p95, 0)}  max ${fmt(s.caller.max, 0)} ms ` +
  `(${s.caller.voiceToVoice.length} lines); bot's own P50 ${fmt(s.bot.p50, 0)}  P95 ${fmt(s.bot.p95, 0)} ms; ` +
  `generator slip P99 ${fmt(s.slip.sendLateP99)} ms, loop delay P99 ${fmt(s.slip.loopDelayP99)} ms, ` +
  `CPU ${fmt(s.generatorCpuPct, 0)} % of a core; ` +
  (s.warnings.count ? `bot warnings ${s.warnings.count} (first: ${s.warnings.first}); ` : '') +
  `bot CPU ${fmt(s.cpuSPerCallMinute, 2)} s/call-min, ${fmt(s.mbPerCall)} MB/call over idle ` +
  `(peak ${fmt(s.rssPeakMb, 0)} MB); ` +
  (mode === 'worst_case' ? `line ends within ${fmt(Math.max(...s.caller.endSpreadMs), 0)} ms; ` : '') +
  `${fmt(s.wallS, 0)} s` +
  (s.why ? ` — ${s.why}` : '');

function capacity(o: Outcome | undefined): string {
  if (!o || o.steps.length === 0) return 'not run';
  const held = o.steps.filter((s) => s.held);
  const last = held[held.length - 1];
  const failed = o.steps.find((s) => !s.held);
  const top = last ? `${last.calls}` : '0';
  if (failed) return `${top} (N=${failed.calls}: ${failed.why})`;
  return `≥ ${top} (every step held${o.stoppedBy ? `; stopped by ${o.stoppedBy}` : ''})`;
}

/** A figure at the largest step held (else the first step), for the per-call columns. */
function atLargest(o: Outcome | undefined, f: (s: StepResult) => string): string {
  if (!o || o.steps.length === 0) return '—';
  const held = o.steps.filter((s) => s.held);
  const s = held[held.length - 1] ?? o.steps[0];
  return s ? `${f(s)} (N=${s.calls})` : '—';
}

it('voicebot scale: simultaneous calls at caller-side voice-to-voice P95 ≤ 800 ms, offline stack vs fake speech', async () => {
  const turns = await callerAudio(LINES);
  const deadlineAbs = absNow() + BUDGET_S * 1000;
  const header = [
    `voicebot scale — demo bot, records on, in this process; callers: bench/voicebot/loadgen in a child ` +
      `process (ExotelStreamClient, real time, flite lines ${JSON.stringify(LINES)}), answers spread over ` +
      `${RAMP_MS / 1000} s, pauses 0.3–1.5 s (seeded); limit: caller-side voice-to-voice P95 ≤ ${P95_LIMIT_MS} ms`,
    `  machine: ${machine()}`,
  ];
  console.log(header.join('\n'));
  const results = new Map<string, Outcome>();
  for (const stack of STACKS) {
    let providers: SpeechProviders | undefined;
    const speech = stack === 'offline' ? (providers = await createSpeechProviders({})) : fakeSpeech();
    const rig = await makeBenchRig({ speech, session: { noInputMs: 30_000 } });
    // Memory per call counts from here: speech loaded and its workers started (flite's start on the
    // first line said), the rig up, no call yet.
    await speech.tts.synthesizeAll('Ready.', { sampleRate: RATE });
    const idleRssBytes = botRssBytes();
    console.log(`  ${stack}: bot processes idle at ${fmt(idleRssBytes / 1e6, 0)} MB resident`);
    try {
      for (const mode of MODES) {
        const outcome = await search({
          rig,
          label: stack,
          mode,
          steps: STEPS,
          turns,
          rampMs: RAMP_MS,
          seed: 13,
          deadlineAbs,
          idleRssBytes,
          onStep: (s) => console.log(row(stack, mode, s)),
        });
        results.set(`${stack}/${mode}`, outcome);
      }
    } finally {
      await rig.close();
      providers?.dispose();
    }
  }
  const cell = (stack: string, f: (stack: string) => string) =>
    STACKS.includes(stack) ? f(stack) : 'not run';
  // Per-call figures from the staggered search (the realistic load), else the worst case's.
  const perCall = (stack: string) =>
    results.get(`${stack}/staggered`)?.steps.length
      ? results.get(`${stack}/staggered`)
      : results.get(`${stack}/worst_case`);
  const single = (stack: string) => perCall(stack)?.steps.find((s) => s.calls === 1);
  const table: [string, (stack: string) => string][] = [
    ['largest N, staggered', (s) => capacity(results.get(`${s}/staggered`))],
    ['largest N, worst case', (s) => capacity(results.get(`${s}/worst_case`))],
    ['single call, caller-side P50', (s) => `${fmt(single(s)?.caller.p50 ?? NaN, 0)} ms`],
    ["single call, bot's own P50", (s) => `${fmt(single(s)?.bot.p50 ?? NaN, 0)} ms`],
    ['CPU per call minute', (s) => atLargest(perCall(s), (x) => `${fmt(x.cpuSPerCallMinute, 2)} CPU-s`)],
    ['memory per call (over idle)', (s) => atLargest(perCall(s), (x) => `${fmt(x.mbPerCall)} MB`)],
  ];
  console.log(
    [
      `voicebot scale — summary (offline stack first, fake speech = the pipeline's ceiling)`,
      `  machine: ${machine()}`,
      ...table.map(
        ([name, f]) =>
          `  ${name.padEnd(30)} offline: ${cell('offline', f).padEnd(44)} fake: ${cell('fake', f)}`,
      ),
      `  goal: 100 staggered calls at P95 ≤ ${P95_LIMIT_MS} ms on 2 cores; single-call P50 ≤ 400 ms (caller's side)`,
    ].join('\n'),
  );
});
