import { fork } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { build } from 'rolldown';
import { it } from 'vitest';
import type { CallersArgs, CallersMessage } from './callers-child';
import { absNow, fakeSpeech, fmt, isMediaFrame, makeBenchRig, percentile } from './harness';

// (b) Concurrency: N simultaneous simulated calls against one voicebot, N growing until any inbound
// frame is handled more than 100 ms late. Exotel's side is core/stream's ExotelStreamClient (what the
// sandbox uses) at real-time pace in a child process, so the voicebot's process keeps a core to
// itself as with a remote Exotel. Speech is FAKE (energy VAD, scripted ASR, tone TTS): model compute
// would otherwise dominate and this measures the stream + session pipeline, records included.
//
// Lateness of a frame = when the voicebot's session finished handling it (a socket listener placed
// after the voicebot's own) − when it was due on the caller's media clock (stream origin + its end
// in media time). Both ends read absolute wall time, so lateness includes the caller's own timer
// slip (printed apart), the loopback socket, queueing in the voicebot's event loop and the handling
// itself: what a real peer would see. The voicebot process's event-loop delay is printed beside it.

/** VOICEBOT_BENCH_STEPS=10,50 overrides the steps. */
const STEPS = (process.env.VOICEBOT_BENCH_STEPS ?? '10,25,50,100,200,300,400').split(',').map(Number);
const LATE_LIMIT_MS = 100;
const ARGS = { callMs: 5000, rampMs: 1000, periodMs: 2000, speakMs: 700 };

async function bundleChild(): Promise<string> {
  const outDir = path.resolve('node_modules/.cache/calldeck-bench');
  await build({
    input: path.resolve('bench/voicebot/callers-child.ts'),
    platform: 'node',
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
    output: { file: path.join(outDir, 'voicebot-callers.mjs'), format: 'esm' },
    logLevel: 'silent',
  });
  return path.join(outDir, 'voicebot-callers.mjs');
}

/** Runs one step's callers; resolves with their report (bounded: the child is killed if it overruns). */
function runCallers(
  script: string,
  args: CallersArgs,
  onOrigin: (path: string, t0Abs: number) => void,
): Promise<Extract<CallersMessage, { kind: 'done' }>> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(args)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: Extract<CallersMessage, { kind: 'done' }> | undefined;
    const timer = setTimeout(() => child.kill(), args.callMs + args.rampMs + 30_000);
    child.on('message', (m: CallersMessage) => {
      if (m.kind === 'origin') onOrigin(m.path, m.t0Abs);
      else report = m;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (report) resolve(report);
      else reject(new Error(`callers child exited (${code}) without a report`));
    });
  });
}

it('voicebot concurrency: simultaneous real-time calls until a frame is handled > 100 ms late', async () => {
  const script = await bundleChild();
  const handled = new Map<string, number[]>();
  let firstEnd = Infinity; // when the step's first call ended (its records are written then)
  const rig = await makeBenchRig({
    speech: fakeSpeech(),
    session: { noInputMs: 30_000 },
    hooks: {
      after: (p, data) => {
        if (!isMediaFrame(data)) return;
        const key = p.replace(/^\//, '');
        const list = handled.get(key);
        if (list) list.push(absNow());
        else handled.set(key, [absNow()]);
      },
      close: () => (firstEnd = Math.min(firstEnd, absNow())),
    },
  });
  const out = [
    `voicebot concurrency — FAKE speech (energy VAD, scripted ASR, tone TTS: no model compute), demo bot, ` +
      `records on; callers: ExotelStreamClient at real time in a child process, 100 ms frames, ` +
      `${ARGS.callMs / 1000} s per call, connections spread over ${ARGS.rampMs / 1000} s, ` +
      `each caller speaks ${ARGS.speakMs} ms every ${ARGS.periodMs / 1000} s`,
    `  lateness = session done with the frame − frame due on the caller's media clock; limit ${LATE_LIMIT_MS} ms`,
  ];
  let held = 0;
  let heldInCall = 0;
  let failed = false;
  try {
    for (const calls of STEPS) {
      handled.clear();
      firstEnd = Infinity;
      const origins = new Map<string, number>();
      const problemsBefore = rig.problems.length;
      const eld = monitorEventLoopDelay({ resolution: 10 });
      eld.enable();
      const cpu0 = process.cpuUsage();
      const wall0 = absNow();
      const report = await runCallers(script, { url: rig.streamUrl, calls, ...ARGS }, (p, t0) =>
        origins.set(p, t0),
      );
      const cpu = process.cpuUsage(cpu0);
      const wallMs = absNow() - wall0;
      eld.disable();
      await rig.voicebot.idle();

      const late: number[] = [];
      let maxInCall = NaN; // frames handled before any call of the step had ended
      for (const [p, times] of handled) {
        const t0 = origins.get(p);
        if (t0 === undefined) continue;
        times.forEach((t, i) => {
          const l = t - (t0 + (i + 1) * 100);
          late.push(l);
          if (t < firstEnd) maxInCall = Math.max(l, Number.isNaN(maxInCall) ? l : maxInCall);
        });
      }
      const max = late.length ? late.reduce((a, b) => Math.max(a, b)) : NaN;
      const ok = report.connected === calls && late.length > 0 && max <= LATE_LIMIT_MS;
      const okInCall = report.connected === calls && maxInCall <= LATE_LIMIT_MS;
      const problems = rig.problems.slice(problemsBefore);
      out.push(
        `  N=${String(calls).padStart(3)}: ${ok ? 'held  ' : 'FAILED'} frame lateness P50 ${fmt(percentile(late, 50))}  ` +
          `P99 ${fmt(percentile(late, 99))}  max ${fmt(max)} ms over ${late.length} frames, ` +
          `max before the first call ended ${fmt(maxInCall)} ms ` +
          `(caller's own send slip P99 ${fmt(report.sendLateP99)}  max ${fmt(report.sendLateMax)} ms); ` +
          `voicebot event-loop delay P99 ${fmt(eld.percentile(99) / 1e6)}  max ${fmt(eld.max / 1e6)} ms; ` +
          `voicebot CPU ${fmt((100 * (cpu.user + cpu.system)) / 1000 / wallMs, 0)} % of a core; ` +
          `bot frames ${report.botFrames}, clears ${report.clears}` +
          (report.connected < calls
            ? `; ${calls - report.connected} failed to connect: ${report.failed[0]}`
            : '') +
          (problems.length ? `; ${problems.length} warnings (first: ${problems[0]?.message})` : ''),
      );
      if (ok && !failed) held = calls;
      failed ||= !ok;
      // Go on past the first failure while the calls themselves held, to show where that limit is.
      if (!okInCall) break;
      heldInCall = calls;
    }
  } finally {
    await rig.close();
  }
  out.push(`  largest N held: ${held} simultaneous calls (goal: 200 on 2 cores)`);
  out.push(
    `  largest N held counting only frames before the step's first call ended (i.e. without the ` +
      `call-end records work): ${heldInCall}${heldInCall === STEPS[STEPS.length - 1] ? ' (every step)' : ''}`,
  );
  console.log(out.join('\n'));
});
