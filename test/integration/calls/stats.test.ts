import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CallStateService, CallStatsQuery, percentile, type CallInput } from '../../../src/main/core/calls';
import { createLogger, memorySink } from '../../../src/main/core/logging';
import { CallsRepository, openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import { makeTestCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

// The dashboard's aggregates, computed in the core over a real SQLite file: calls taken through the
// real state machine, bot sessions and turn metrics written by the voicebot's repository.

let db: Db | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  db?.close();
  cleanup?.();
  db = undefined;
});

const answered = (sid: string, answeredBy = 'human'): CallInput[] => [
  { type: 'dial_requested' },
  { type: 'provider_accepted', providerSid: sid },
  { type: 'ringing' },
  { type: 'answered', answeredBy },
];

function setup() {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
  const calls = new CallStateService(new CallsRepository(db), createLogger([memorySink([])], 'warn', 'test'));
  const bot = new VoicebotRepository(db);
  let n = 0;
  const call = (campaignId: string | null, inputs: CallInput[]) => {
    const a = calls.createAttempt({
      number: `+9198765432${String(n++).padStart(2, '0')}`,
      mode: 'flow',
      provider: 'sandbox',
      campaignId,
    });
    for (const input of inputs) calls.record(a.id, 'dialer', input);
    return a.id;
  };
  const session = (attemptId: string, disposition: string | null, v2v: number[]) => {
    const id = `s-${attemptId}`;
    bot.insertSession({
      id,
      attemptId,
      streamSid: id,
      callSid: id,
      botId: 'demo',
      sampleRate: 8000,
      startedAt: new Date().toISOString(),
    });
    v2v.forEach((v, turn) =>
      bot.addMetrics(id, {
        turn,
        input: 'speech',
        endpointingMs: 300,
        asrMs: 20,
        dialogMs: 1,
        llmFirstTokenMs: null,
        llmTotalMs: null,
        ttsFirstAudioMs: 20,
        responseMs: v - 300,
        voiceToVoiceMs: v,
        botAudioMs: 1000,
      }),
    );
    bot.endSession(id, {
      endedAt: new Date().toISOString(),
      endReason: 'bot_hangup',
      disposition,
      transfer: null,
      durationMs: 5000,
      turns: v2v.length,
      recordings: null,
    });
  };
  return { db, call, session };
}

describe('call statistics (calls.stats)', () => {
  it('counts outcomes, rates, talk time and latency percentiles for one campaign and overall', () => {
    const { db, call, session } = setup();
    // The carrier's price, as its call details report it after the end.
    const priced = (status: 'completed' | 'busy', price: number): CallInput => ({
      type: 'provider_reported',
      status,
      price,
    });
    const ok1 = call('camp-a', [
      ...answered('CA1'),
      { type: 'ended', status: 'completed', durationSec: 30 },
      priced('completed', 0.5),
    ]);
    const ok2 = call('camp-a', [
      ...answered('CA2'),
      { type: 'transfer_decided', decision: 'agent' },
      { type: 'ended', status: 'completed', durationSec: 90 },
      priced('completed', 1.25),
    ]);
    call('camp-a', [...answered('CA3', 'machine'), { type: 'ended', status: 'completed', durationSec: 10 }]);
    call('camp-a', [
      { type: 'dial_requested' },
      { type: 'provider_accepted', providerSid: 'CA4' },
      { type: 'ended', status: 'busy' },
      priced('busy', 0),
    ]);
    call('camp-a', [{ type: 'dial_requested' }]); // still dialing: active
    call(null, [...answered('CA9'), { type: 'ended', status: 'completed', durationSec: 200 }]); // a test call
    session(ok1, 'confirmed', [400, 420, 900]);
    // The outcome check's flags, as the dialer records them on its campaign attempts.
    db.exec(`INSERT INTO campaigns (id, name, state, list_id, settings, created_at, created_by, updated_at)
      VALUES ('camp-a', 'A', 'running', 1, '{}', '2026-01-01T00:00:00Z', 't', '2026-01-01T00:00:00Z')`);
    const flagged = (attemptId: string, no: number, flags: string[]) =>
      db
        .prepare(
          `INSERT INTO campaign_attempts (attempt_id, campaign_id, contact_id, attempt_no, flags, created_at)
           VALUES (?, 'camp-a', ?, 1, ?, '2026-01-01T00:00:00Z')`,
        )
        .run(attemptId, no, JSON.stringify(flags));
    flagged(ok1, 1, ['short_completed']);
    flagged(ok2, 2, ['short_completed', 'transfer_without_agent']);
    session(ok2, 'transfer', [380]);

    const a = new CallStatsQuery(db).stats('camp-a');
    expect(a.campaignId).toBe('camp-a');
    expect(a.total).toBe(5);
    expect(a.active).toBe(1);
    expect(a.finished).toBe(4);
    expect(a.byOutcome).toEqual([
      { outcome: 'completed', count: 3 },
      { outcome: 'busy', count: 1 },
    ]);
    expect(a.answered).toBe(3);
    expect(a.answerRate).toBeCloseTo(3 / 4);
    expect(a.successRate).toBeCloseTo(3 / 4);
    expect(a.averageDurationSec).toBeCloseTo((30 + 90 + 10) / 3);
    expect(a.talkTimeSec).toEqual({ p50: 30, p95: 90 });
    expect(a.transfers).toBe(1);
    expect(a.transferRate).toBeCloseTo(1 / 3);
    expect(a.machineAnswered).toBe(1);
    // Settled prices summed; the machine-answered call's price has not settled.
    expect(a.spend).toBeCloseTo(1.75);
    expect(a.unpriced).toBe(1);
    expect(a.dispositions).toEqual([
      { disposition: 'confirmed', count: 1 },
      { disposition: 'transfer', count: 1 },
    ]);
    expect(a.latency).toEqual({ p50: 400, p95: 900 });
    expect(a.latencyByHour).toHaveLength(1);
    expect(a.latencyByHour[0]).toMatchObject({ turns: 4, p50: 400, p95: 900 });
    expect(a.latencyByHour[0]?.hour).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00Z$/);
    expect(a.flags).toEqual([
      { flag: 'short_completed', count: 2 },
      { flag: 'transfer_without_agent', count: 1 },
    ]);
    expect(a.callsPerHour.reduce((s, h) => s + h.calls, 0)).toBe(5);

    const all = new CallStatsQuery(db).stats();
    expect(all.campaignId).toBeNull();
    expect(all.total).toBe(6);
    expect(all.talkTimeSec).toEqual({ p50: 30, p95: 200 });
    expect(new CallStatsQuery(db).stats('no-such-campaign')).toMatchObject({
      total: 0,
      answerRate: null,
      talkTimeSec: null,
      latency: null,
      byOutcome: [],
      flags: [],
    });
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([1], 0.95)).toBe(1);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(() => percentile([], 0.5)).toThrow(RangeError);
  });

  it('is an Api query: validated, answered by the core, no audit row', async () => {
    const t = await makeTestCore();
    try {
      const res = await t.core.invoke('calls.stats', {});
      expect(res).toMatchObject({ ok: true, value: { total: 0, campaignId: null } });
      const bad = await t.core.invoke('calls.stats', { campaignId: '' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    } finally {
      await t.cleanup();
    }
  });
});
