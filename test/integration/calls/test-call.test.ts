import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../src/shared/api/events';
import type { CallAttemptInfo, ConnectionCheck, TestCallResult } from '../../../src/shared/telephony';
import { makeTestCore } from '../../helpers/core';

// Test calls through the whole core (sandbox as Exotel, real public surface, the demo bot offline).

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

async function until<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('test calls', () => {
  let t: TestCore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('refuses a number on the Do-Not-Call list with a clear message, and dials nothing', async () => {
    t = await makeTestCore({ telephony: 'sandbox', sandboxTimeScale: 0.01 });
    const added = await t.core.invoke('dnc.add', {
      phones: ['+91 98765 43210'],
      note: 'asked us not to call',
    });
    expect(added.ok).toBe(true);
    const r = await t.core.invoke('telephony.placeTestCall', { number: '098765 43210' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_request');
    expect(r.error.message).toMatch(/\+919876543210 is on the Do-Not-Call list/);
    const calls = await t.core.invoke('telephony.recentCalls', {});
    expect(calls.ok && (calls.value as CallAttemptInfo[])).toEqual([]);
    // Another number still goes through.
    const other = await t.core.invoke('telephony.placeTestCall', { number: '+919876543211' });
    expect(other.ok && (other.value as TestCallResult).outcome.ok).toBe(true);
  });

  it("a call's carrier price lands after its end: the core asks the call details until it settles", async () => {
    t = await makeTestCore({
      telephony: 'sandbox',
      sandboxTimeScale: 0.01, // the first price check, a minute after the end, comes 0.6 s after it
      sandboxScript: { default: { outcome: 'busy', ringSec: 1 } },
    });
    const core = t.core;
    const placed = await core.invoke('telephony.placeTestCall', { number: '+919876543210' });
    const id = placed.ok ? (placed.value as TestCallResult).attempt.id : '';
    const recent = async () => {
      const r = await core.invoke('telephony.recentCalls', {});
      return (r.ok ? (r.value as CallAttemptInfo[]) : []).find((c) => c.id === id);
    };
    let seen: CallAttemptInfo | undefined;
    const end = Date.now() + 20_000;
    const pricesSeen: (number | null)[] = [];
    while (Date.now() < end) {
      seen = await recent();
      if (seen?.endedAt) pricesSeen.push(seen.price);
      if (seen?.price !== null && seen?.price !== undefined) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(seen).toMatchObject({ state: 'busy', price: 0 });
    // Ended first without a price (the callback carries none), priced later.
    expect(pricesSeen[0]).toBeNull();
  });

  it('Test connection with the sandbox says no account is needed, not that credentials were accepted', async () => {
    t = await makeTestCore({ sandboxTimeScale: 0.01 });
    const r = await t.core.invoke('telephony.testConnection', {});
    expect(r.ok).toBe(true);
    const check = (r.ok ? r.value : undefined) as ConnectionCheck;
    expect(check).toMatchObject({ ok: true, provider: 'sandbox' });
    expect(check.detail).not.toMatch(/accepted/i);
    expect(check.detail).toBe('Sandbox: no Exotel account needed; calls stay on this machine');
  });

  it("greets with the test call's own variables, and refuses a malformed variable name", async () => {
    t = await makeTestCore({
      telephony: 'sandbox',
      sandboxTimeScale: 0.05,
      sandboxScript: { default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 6 } },
    });
    const botLines: string[] = [];
    t.core.subscribe((event, payload) => {
      if (event !== 'voicebot.turn') return;
      const p = payload as ApiEvents['voicebot.turn'];
      if (p.line.speaker === 'bot') botLines.push(p.line.text);
    });
    const bad = await t.core.invoke('telephony.placeTestCall', {
      number: '+919876543210',
      variables: { 'name;drop': 'x' },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('invalid_request');

    const setup = await t.core.invoke('telephony.testCallSetup', {});
    expect(setup.ok && setup.value).toMatchObject({
      bot: { id: 'appointment-reminder' },
      variables: expect.arrayContaining([
        expect.objectContaining({ name: 'name', value: 'Asha', required: true }),
        expect.objectContaining({ name: 'clinic', value: 'the clinic', required: false }),
      ]) as unknown,
    });
    const r = await t.core.invoke('telephony.placeTestCall', {
      number: '+919876543210',
      mode: 'stream',
      variables: { name: 'Meera', appointment_day: 'Friday the ninth' },
    });
    expect(r.ok && (r.value as TestCallResult).outcome.ok).toBe(true);
    const greeting = await until('the greeting', () => botLines[0]);
    expect(greeting).toContain('Meera');
    expect(greeting).not.toContain('Asha');

    // The next call without variables greets with the bot's example values again.
    botLines.length = 0;
    const plain = await t.core.invoke('telephony.placeTestCall', { number: '+919876543212', mode: 'stream' });
    expect(plain.ok).toBe(true);
    expect(await until('the second greeting', () => botLines[0])).toContain('Asha');
  });
});
