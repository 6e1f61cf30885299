import { performance } from 'node:perf_hooks';
import { it } from 'vitest';
import { makeDialerRig } from '../../test/integration/campaigns/dialer-rig';

/**
 * The dialer against the sandbox with instant outcomes (every callee answers and hangs up at once):
 * achieved ÷ configured calls per minute (goal within ±2%), the most calls open at once (never
 * above the cap), and CPU per call. The sandbox, the public surface and the call state machine run
 * in this process too, so the CPU figure is an upper bound for the scheduler's share. Prints
 * figures; never fails on a timing.
 */
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const CPM = Number(process.env.BENCH_CPM ?? 6_000);
const CAP = Number(process.env.BENCH_CONCURRENCY ?? 20);

it(`dials ${CONTACTS} contacts at ${CPM}/min, at most ${CAP} at once`, async () => {
  const dialTimes: number[] = [];
  let open = 0;
  let maxOpen = 0;
  const r = await makeDialerRig(
    { default: { outcome: 'answer', ringSec: 0, hangupAfterSec: 0 } },
    {
      concurrencyCap: CAP,
      onChange: (c) => {
        if (c.event.type === 'dial_requested') {
          dialTimes.push(performance.now());
          open += 1;
          maxOpen = Math.max(maxOpen, open);
        }
        if (c.changed && ['completed', 'failed', 'busy', 'no_answer', 'canceled'].includes(c.attempt.state))
          open -= 1;
      },
    },
  );
  try {
    const numbers = Array.from({ length: CONTACTS }, (_, i) => `+9197${String(i).padStart(8, '0')}`);
    const id = r.campaign(numbers, { pacing: { maxConcurrent: CAP, callsPerMinute: CPM } });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = await r.run(id);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const first = dialTimes[0] ?? 0;
    const last = dialTimes[dialTimes.length - 1] ?? 0;
    const achieved = ((dialTimes.length - 1) / (last - first)) * 60_000;
    const counts = r.repo.counts(id);
    const rejected = r.rig.changes.filter((c) => c.event.type === 'provider_rejected').length;
    const figures = {
      end,
      contacts: CONTACTS,
      dials: dialTimes.length,
      attempts: counts.attempts,
      configuredCpm: CPM,
      achievedCpm: Math.round(achieved),
      ratio: Number((achieved / CPM).toFixed(4)),
      concurrencyCap: CAP,
      maxOpenSeen: maxOpen,
      providerRejections: rejected,
      wallSeconds: Number((wallMs / 1000).toFixed(1)),
      cpuMsPerCall: Number(((cpu.user + cpu.system) / 1000 / dialTimes.length).toFixed(3)),
    };
    console.log(`bench/dialer ${JSON.stringify(figures)}`);
  } finally {
    await r.close();
  }
});
