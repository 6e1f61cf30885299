import { afterEach, describe, expect, it } from 'vitest';
import {
  PRICE_CHECKS_MS,
  PriceFollowUp,
  type CallStateChange,
  type PriceFollowUpDeps,
} from '../../../src/main/core/calls';
import { StreamConnection } from '../../../src/main/core/stream';
import { CallsRepository } from '../../../src/main/core/store';
import { exotelStreamSide } from '../../../src/main/core/telephony';
import { silentLogger } from '../../../src/main/core/logging';
import { until } from '../../helpers/api-wait';
import { makeRig, settle, type Rig } from '../telephony/rig';

// The carrier's price settles after the call: the follow-up asks the sandbox's call-details API (which
// says Price "0.50" for an answered call, "0.00" otherwise, once it ended) and records it on the call.

const ANSWERS = '+919800000001';
const BUSY = '+919800000002';
const SCRIPT = {
  default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 2 },
  callees: [{ number: BUSY, outcome: 'busy', ringSec: 1 }],
};

let rig: Rig | undefined;
const followUps: PriceFollowUp[] = [];
afterEach(async () => {
  for (const f of followUps.splice(0)) f.close();
  await rig?.close();
  rig = undefined;
});

/** A follow-up over the rig's calls and sandbox; `over` replaces any of its parts. */
function followUp(r: Rig, over: Partial<PriceFollowUpDeps> = {}): PriceFollowUp {
  const repo = new CallsRepository(r.db);
  const f = new PriceFollowUp({
    unpriced: (since) => repo.listUnpriced(since),
    attempt: (id) => r.calls.attempt(id),
    record: (id, input, key) => void r.calls.record(id, 'api', input, key),
    providerFor: () => r.provider,
    log: silentLogger,
    ...over,
  });
  followUps.push(f);
  return f;
}

/** The rig with a voicebot route that takes the stream (the callee hangs up after 2 sandbox seconds). */
async function rigWithHooks(onChange?: (change: CallStateChange) => void): Promise<Rig> {
  const r = await makeRig(SCRIPT, {}, { onChange });
  r.sandbox.setStreamSide(exotelStreamSide({ log: silentLogger }));
  r.surface.setVoicebotHandler((ws) => void new StreamConnection(ws, { sampleRate: 8000 }));
  return r;
}

async function dialAndEnd(r: Rig, number: string): Promise<string> {
  const { id, result } = await r.dial(number, 'stream');
  await settle(r, result);
  await until(() => r.calls.attempt(id)?.endedAt ?? undefined, 10_000);
  return id;
}

describe('price follow-up', () => {
  it('records the price the sandbox settles after the end, as a call input of its own', async () => {
    const holder: { f?: PriceFollowUp } = {};
    rig = await rigWithHooks((c) => holder.f?.onCallChanged(c.attempt));
    const r = rig;
    // Sandbox speed: the minutes between checks scaled as the rig's sandbox time (0.005).
    holder.f = followUp(r, { checksFor: () => PRICE_CHECKS_MS.map((ms) => ms * 0.005) });
    const answered = await dialAndEnd(r, ANSWERS);
    const busy = await dialAndEnd(r, BUSY);
    // The end came by callbacks, which carry no price.
    expect(r.calls.attempt(answered)?.price).toBeNull();
    expect(holder.f.pending).toBe(2);

    await until(() => (r.calls.attempt(answered)?.price ?? null) !== null || undefined, 10_000);
    await until(() => (r.calls.attempt(busy)?.price ?? null) !== null || undefined, 10_000);
    expect(r.calls.attempt(answered)).toMatchObject({ state: 'completed', price: 0.5 });
    expect(r.calls.attempt(busy)).toMatchObject({ state: 'busy', price: 0 });
    const priced = r.calls.events(answered).filter((e) => e.dedupeKey === 'api:details:completed:priced');
    expect(priced).toHaveLength(1);
    expect(priced[0]).toMatchObject({ source: 'api', type: 'provider_reported', applied: true });
    await holder.f.idle();
    expect(holder.f.pending).toBe(0);
  });

  it('survives a restart: the next start asks at once for a price whose check fell while it was down', async () => {
    const holder: { f?: PriceFollowUp } = {};
    rig = await rigWithHooks((c) => holder.f?.onCallChanged(c.attempt));
    const r = rig;
    const first = followUp(r); // real minutes: its first check is a minute after the end
    holder.f = first;
    const id = await dialAndEnd(r, ANSWERS);
    expect(first.pending).toBe(1);
    first.close(); // the process stops before the check
    expect(r.calls.attempt(id)?.price).toBeNull();

    // The next start, 90 s later: the 1-minute check was missed, so it is made at once.
    const second = followUp(r, { now: () => Date.now() + 90_000 });
    expect(second.resume()).toBe(1);
    await until(() => r.calls.attempt(id)?.price ?? undefined, 10_000);
    expect(r.calls.attempt(id)?.price).toBe(0.5);
    await second.idle();
    // Priced calls are not picked up again.
    expect(followUp(r, { now: () => Date.now() + 90_000 }).resume()).toBe(0);
  });

  it('asks on schedule and stops after the last check when the price never settles', async () => {
    rig = await rigWithHooks();
    const r = rig;
    const id = await dialAndEnd(r, ANSWERS);
    const asked: string[] = [];
    const unpricedCarrier = {
      callDetails: async (sid: string) => {
        asked.push(sid);
        const found = await r.provider.callDetails(sid);
        return found.kind === 'found' ? { ...found, call: { ...found.call, Price: null } } : found;
      },
    };
    const attempt = r.calls.attempt(id);
    if (!attempt?.endedAt) throw new Error('the call has not ended');
    // Three checks, 50 ms apart from now (offsets count from the call's end).
    const since = Date.now() - Date.parse(attempt.endedAt);
    const checks = [since + 50, since + 100, since + 150];
    const f = followUp(r, { providerFor: () => unpricedCarrier, checksFor: () => checks, perMinute: 6000 });
    f.onCallChanged(attempt);
    await until(() => (asked.length >= 3 && f.pending === 0) || undefined, 5_000);
    await f.idle();
    await new Promise((res) => setTimeout(res, 200));
    expect(asked).toHaveLength(3);
    expect(r.calls.attempt(id)?.price).toBeNull();
  });
});
