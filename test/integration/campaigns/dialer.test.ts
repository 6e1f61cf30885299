import { afterEach, describe, expect, it } from 'vitest';
import { recoverCalls } from '../../../src/main/core/calls';
import { createLogger } from '../../../src/main/core/logging';
import { CallsRepository } from '../../../src/main/core/store';
import { makeDialerRig, type DialerRig } from './dialer-rig';

// Numbers ending 1 are busy, 2 do not answer, 3 fail; the rest answer and hang up at once.
const SCRIPT = {
  default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 1 },
  callees: [
    { pattern: '1$', outcome: 'busy', ringSec: 1 },
    { pattern: '2$', outcome: 'no-answer', ringSec: 1 },
    { pattern: '3$', outcome: 'failed', ringSec: 1 },
  ],
};
const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+9198765${String(i).padStart(5, '0')}`);

let r: DialerRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('the dialer against the sandbox', () => {
  it('calls every contact through dialOnce, retries busy and no-answer once, and completes', async () => {
    r = await makeDialerRig(SCRIPT, { concurrencyCap: 3 });
    const list = numbers(20);
    const id = r.campaign(list);
    let maxOpen = 0;
    const seen = setInterval(() => {
      maxOpen = Math.max(maxOpen, r?.repo.counts(id).inFlight ?? 0);
    }, 1);
    const end = await r.run(id);
    clearInterval(seen);
    expect(end).toBe('completed');
    expect(r.repo.get(id)?.state).toBe('completed');
    const attempts = r.repo.attempts(id);
    for (const [i, number] of list.entries()) {
      const mine = attempts.filter((a) => a.contactId === i + 1);
      const expected = /[12]$/.test(number) ? 2 : 1;
      expect(
        mine.map((a) => a.attemptNo),
        number,
      ).toEqual(expected === 2 ? [1, 2] : [1]);
      const outcome = number.endsWith('1')
        ? 'busy'
        : number.endsWith('2')
          ? 'no_answer'
          : number.endsWith('3')
            ? 'failed'
            : 'answered';
      expect(
        mine.every((a) => a.outcome === outcome),
        number,
      ).toBe(true);
      // Each attempt is one call on the state machine, its id the CustomField Exotel echoed.
      for (const a of mine) {
        const call = r.rig.calls.attempt(a.attemptId);
        expect(call?.campaignId).toBe(id);
        expect(call?.customField).toBe(a.attemptId);
        expect(call?.providerSid).not.toBeNull();
      }
      expect(r.repo.contact(id, i + 1)?.status).toBe('done');
    }
    // The sandbox refuses calls over its cap of 3 with a 429: none came, and none were left open.
    expect(r.rig.logs.some((l) => /Concurrent call limit/.test(JSON.stringify(l)))).toBe(false);
    expect(maxOpen).toBeLessThanOrEqual(3);
    expect(r.repo.counts(id).inFlight).toBe(0);
  });

  it('never dials a number put on DNC mid-campaign, not even its retry', async () => {
    const list = numbers(4); // ...00000 answers, ...00001 busy, ...00002 no answer, ...00003 failed
    r = await makeDialerRig(SCRIPT, {
      onChange: (c, rig) => {
        // The busy number goes on the register as its first call ends.
        if (c.attempt.number === list[1] && c.attempt.state === 'busy')
          rig.dnc.add([
            {
              phone_e164: c.attempt.number,
              note: 'asked',
              source: 'test',
              added_at: new Date().toISOString(),
              added_by: 'tester',
            },
          ]);
      },
    });
    const id = r.campaign(list, { pacing: { maxConcurrent: 1, callsPerMinute: 6000 } });
    expect(await r.run(id)).toBe('completed');
    const busy = r.repo.attempts(id).filter((a) => a.contactId === 2);
    expect(busy.map((a) => a.attemptNo)).toEqual([1]);
    expect(r.repo.contact(id, 2)).toMatchObject({ status: 'skipped', skipReason: 'dnc' });
    // The no-answer number, not on the register, was retried.
    expect(r.repo.attempts(id).filter((a) => a.contactId === 3)).toHaveLength(2);
    const dialled = r.rig.changes
      .filter((c) => c.event.type === 'dial_requested')
      .map((c) => c.attempt.number);
    expect(dialled.filter((n) => n === list[1])).toHaveLength(1);
  });
});

describe('after a crash', () => {
  it('reconciles attempts left without an answer with the provider before any contact is dialled again', async () => {
    const list = ['+919876500004', '+919876500005', '+919876500006', '+919876500007']; // all answer
    const unsure: string[] = [];
    r = await makeDialerRig(SCRIPT, {
      lookup: async (call, real) => {
        // The first look-up for contact 3 fails (Exotel unreachable): it must wait, not be dialled.
        if (call.number === list[2] && !unsure.includes(call.id)) {
          unsure.push(call.id);
          return { kind: 'unsure', reason: 'Exotel unreachable' };
        }
        return real();
      },
    });
    const { rig, repo } = r;
    const id = r.campaign(list);
    const at = new Date().toISOString();
    /** What a killed run left: the reservation, and (when the request had started) the call row. */
    const leftBehind = (contactId: number, attemptId: string, callRow: boolean) => {
      repo.transaction(() => repo.reserveAttempt({ attemptId, campaignId: id, contactId, attemptNo: 1, at }));
      if (!callRow) return;
      rig.calls.createAttempt({
        id: attemptId,
        number: list[contactId - 1]!,
        mode: 'flow',
        provider: 'sandbox',
        campaignId: id,
        contactId: String(contactId),
      });
      rig.calls.record(attemptId, 'dialer', { type: 'dial_requested' });
    };
    // 1: the request reached the provider and the call happened, but the answer and its callbacks were lost.
    leftBehind(1, 'lost-answer', true);
    const placed = await rig.provider.placeCall({
      to: list[0]!,
      callerId: '+918047000000',
      // Stream mode: no passthru links it either; only the provider's records know the call.
      target: { mode: 'stream', streamUrl: 'ws://127.0.0.1:9/lost' },
      customField: 'lost-answer',
      statusCallbackUrl: 'http://127.0.0.1:9/lost',
    });
    expect(placed.kind).toBe('accepted');
    if (placed.kind === 'accepted') await rig.sandbox.settled(placed.sid);
    // 2: the call row was written but the request never reached the provider.
    leftBehind(2, 'never-sent', true);
    // 3: as 2, but the first look-up cannot reach the provider.
    leftBehind(3, 'unsure-first', true);
    // 4: only the reservation: the run died before the call row.
    leftBehind(4, 'reserved-only', false);
    // The restart: calls' own recovery first (no provider id: each open call ends interrupted), then the dialer.
    const recovered = await recoverCalls({
      calls: rig.calls,
      repo: new CallsRepository(rig.db),
      providerFor: () => rig.provider,
      log: createLogger([], 'error', 'test'),
    });
    expect(recovered.map((c) => c.after)).toEqual(['interrupted', 'interrupted', 'interrupted']);

    expect(await r.run(id)).toBe('completed');

    const sandboxCalls = (n: string) => rig.sandbox.calls().filter((c) => c.from === n);
    // 1 was found by number and time and adopted: settled from the provider's record, never dialled again.
    expect(sandboxCalls(list[0]!)).toHaveLength(1);
    expect(repo.attempts(id).filter((a) => a.contactId === 1)).toEqual([
      expect.objectContaining({ attemptId: 'lost-answer', attemptNo: 1, outcome: 'answered' }),
    ]);
    expect(rig.calls.attempt('lost-answer')?.providerSid).toBe(
      placed.kind === 'accepted' ? placed.sid : null,
    );
    // 2 and 4: the provider was sure there was no call, so each was dialled exactly once now.
    for (const [contact, stale] of [
      [2, 'never-sent'],
      [4, 'reserved-only'],
    ] as const) {
      expect(sandboxCalls(list[contact - 1]!)).toHaveLength(1);
      const mine = repo.attempts(id).filter((a) => a.contactId === contact);
      expect(mine).toHaveLength(1);
      expect(mine[0]?.attemptId).not.toBe(stale);
      expect(mine[0]).toMatchObject({ attemptNo: 1, outcome: 'answered' });
    }
    // 3 was asked twice: unsure, then sure; dialled once.
    expect(r.lookups.filter((c) => c.id === 'unsure-first')).toHaveLength(2);
    expect(sandboxCalls(list[2]!)).toHaveLength(1);
    // The stale call rows stay closed as recovery left them.
    expect(rig.calls.attempt('never-sent')?.state).toBe('interrupted');
  });
});

describe('duplicates across running campaigns', () => {
  it('calls a number in two running campaigns once when the campaigns say once, in each when per campaign', async () => {
    r = await makeDialerRig(SCRIPT);
    const shared = ['+919876500004', '+919876500005', '+919876500006'];
    const a = r.campaign(shared, { duplicates: 'once' });
    const b = r.campaign([...shared, '+919876500007'], { duplicates: 'once' });
    expect(await Promise.all([r.run(a), r.run(b)])).toEqual(['completed', 'completed']);
    const dials = r.rig.changes.filter((c) => c.event.type === 'dial_requested').map((c) => c.attempt.number);
    for (const n of shared) expect(dials.filter((d) => d === n)).toHaveLength(1);
    const skipped = [...r.repo.queue(a), ...r.repo.queue(b)].filter((c) => c.status === 'skipped');
    expect(skipped.map((c) => c.skipReason)).toEqual(['duplicate', 'duplicate', 'duplicate']);

    const c = r.campaign(shared, { duplicates: 'per_campaign' });
    const d = r.campaign(shared, { duplicates: 'per_campaign' });
    await Promise.all([r.run(c), r.run(d)]);
    const again = r.rig.changes.filter((x) => x.event.type === 'dial_requested').map((x) => x.attempt.number);
    for (const n of shared) expect(again.filter((x) => x === n)).toHaveLength(3);
  });
});

describe("the account's calls-per-minute limit", () => {
  it('holds across two campaigns running at once: their sum never exceeds it, and both progress', async () => {
    const dials: { at: number; campaign: string }[] = [];
    // Instant outcomes: only pacing holds the dials back. Each campaign alone may use the whole account.
    r = await makeDialerRig(
      { default: { outcome: 'answer', ringSec: 0, hangupAfterSec: 0 } },
      {
        concurrencyCap: 20,
        accountCallsPerMinute: 600,
        onChange: (c) => {
          if (c.event.type === 'dial_requested')
            dials.push({ at: performance.now(), campaign: c.attempt.campaignId ?? '' });
        },
      },
    );
    const pacing = { pacing: { maxConcurrent: 10, callsPerMinute: 600 } };
    const a = r.campaign(numbers(25), pacing);
    const b = r.campaign(
      numbers(25).map((n) => n.replace('+9198765', '+9198764')),
      pacing,
    );
    expect(await Promise.all([r.run(a), r.run(b)])).toEqual(['completed', 'completed']);
    expect(dials).toHaveLength(50);
    const times = dials.map((d) => d.at).sort((x, y) => x - y);
    // 600 a minute is one every 100 ms for the account: 50 dials take about 4.9 s (each campaign's own
    // bucket alone would let them through in half that).
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(49 * 100 * 0.9);
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + 1_000).length).toBeLessThanOrEqual(11);
    // Shared fairly: each campaign dials throughout, neither waits for the other to finish.
    for (const id of [a, b]) {
      const mine = dials.filter((d) => d.campaign === id).map((d) => d.at);
      expect(mine.at(-1)! - mine[0]!).toBeGreaterThan(3_500);
    }
  });
});

describe('a lost dial answer', () => {
  it('is not taken for "no call" until the grace has passed, so a late request cannot make a second call', async () => {
    r = await makeDialerRig(SCRIPT, { lostCallGraceMs: 1_500 });
    const { rig, repo } = r;
    const number = '+919876500008';
    const id = r.campaign([number]);
    const createdAt = Date.now();
    repo.transaction(() =>
      repo.reserveAttempt({
        attemptId: 'timed-out',
        campaignId: id,
        contactId: 1,
        attemptNo: 1,
        at: new Date(createdAt).toISOString(),
      }),
    );
    rig.calls.createAttempt({
      id: 'timed-out',
      number,
      mode: 'flow',
      provider: 'sandbox',
      campaignId: id,
      contactId: '1',
    });
    rig.calls.record('timed-out', 'dialer', { type: 'dial_requested' });
    rig.calls.record('timed-out', 'api', {
      type: 'provider_unreachable',
      mayHaveReached: true,
      message: 'timed out',
    });
    expect(await r.run(id)).toBe('completed');
    // Asked more than once: the provider's first "none" came inside the grace.
    expect(r.lookups.filter((c) => c.id === 'timed-out').length).toBeGreaterThan(1);
    const redial = r.rig.changes.find(
      (c) => c.event.type === 'dial_requested' && c.attempt.id !== 'timed-out',
    );
    expect(Date.parse(redial?.event.receivedAt ?? '')).toBeGreaterThanOrEqual(createdAt + 1_500);
    expect(rig.sandbox.calls().filter((c) => c.from === number)).toHaveLength(1);
  });
});

describe('the outcome check', () => {
  it("is made again when a finished attempt's call changes later (the carrier's record settles after the outcome)", async () => {
    // Sandbox seconds of 200 ms: at the rig's 5 ms, a loaded machine's few hundred ms of callbacks
    // made the 2 s call last over 5 sandbox seconds, and the short-call flag rightly never came.
    r = await makeDialerRig(SCRIPT, { concurrencyCap: 3, timeScale: 0.2 });
    const id = r.campaign(['+919876500000']); // answers and hangs up after 1 s; no bot stream here
    expect(await r.run(id)).toBe('completed');
    const [attempt] = r.repo.attempts(id);
    if (!attempt) throw new Error('no attempt');
    // The carrier's duration can land after the attempt finished (seen: the flag was then missing).
    const deadline = Date.now() + 5000;
    while (r.rig.calls.attempt(attempt.attemptId)?.durationSec == null) {
      if (Date.now() > deadline) throw new Error('the call never got its duration');
      await new Promise((ok) => setTimeout(ok, 10));
    }
    // As a finish before the duration left it: no flag. A later change to the call brings the
    // check up to date, even though the campaign has completed and no run is live.
    r.repo.updateAttemptCheck({ attemptId: attempt.attemptId, flags: [], disposition: null });
    r.dialer.onAttemptChanged(attempt.attemptId);
    const checked = r.repo.attempt(attempt.attemptId);
    expect(checked?.outcome).toBe('answered');
    expect([...(checked?.flags ?? [])].sort()).toEqual(['answered_without_stream', 'completed_under_5s']);
  });

  it('flags a price the carrier charged, after the end, for a call it reports busy', async () => {
    r = await makeDialerRig(SCRIPT);
    const id = r.campaign(['+919876500001'], {
      retry: { maxAttempts: 1, on: [], intervalMinutes: 0, backoff: 'linear' },
    });
    expect(await r.run(id)).toBe('completed');
    const [attempt] = r.repo.attempts(id);
    if (!attempt) throw new Error('no attempt');
    expect(attempt.outcome).toBe('busy');
    expect(attempt.flags).toEqual([]);
    // Minutes later the call details settle with a price (as the price follow-up records it).
    r.rig.calls.record(
      attempt.attemptId,
      'api',
      { type: 'provider_reported', status: 'busy', price: 0.5 },
      'api:details:busy:priced',
    );
    r.dialer.onAttemptChanged(attempt.attemptId);
    expect(r.rig.calls.attempt(attempt.attemptId)).toMatchObject({ state: 'busy', price: 0.5 });
    expect(r.repo.attempt(attempt.attemptId)?.flags).toEqual(['charged_without_answer']);
  });
});
