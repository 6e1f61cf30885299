import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CallBoardQuery, CallStateService, type CallInput } from '../../../src/main/core/calls';
import { SPEECH_LATE_FLAG } from '../../../src/main/core/calls/board';
import { createLogger, memorySink } from '../../../src/main/core/logging';
import { CallsRepository, openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import { makeTestCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

// The live board's rows on a real SQLite file: the call's state from the state machine, the contact's
// name from its list, the bot's disposition and median voice-to-voice from its records.

let db: Db | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  db?.close();
  cleanup?.();
  db = undefined;
});

function setup() {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
  db.exec(`INSERT INTO contact_lists (id, name, created_at, created_by, file_name, file_size, file_sha256,
      format, source, headers, mapping, region, data_rows, blank_rows)
    VALUES (1, 'July', '2026-01-01T00:00:00Z', 't', 'f.csv', 1, 'x', 'csv', 'upload', '[]', '{}', 'IN', 1, 0);
    INSERT INTO contacts (id, list_id, row_number, status, phone_raw, phone_e164, name, variables)
    VALUES (7, 1, 2, 'valid', '9876543210', '+919876543210', 'Meera Rao', '{}');`);
  const calls = new CallStateService(new CallsRepository(db), createLogger([memorySink([])], 'warn', 'test'));
  const call = (number: string, extra: { contactId?: string; campaignId?: string }, inputs: CallInput[]) => {
    const a = calls.createAttempt({ number, mode: 'flow', provider: 'sandbox', ...extra });
    for (const input of inputs) calls.record(a.id, 'dialer', input);
    return a.id;
  };
  return { db, call, bot: new VoicebotRepository(db) };
}

describe('the call board query (calls.board)', () => {
  it('joins each attempt with its contact, disposition and median latency, newest first', () => {
    const { db, call, bot } = setup();
    const first = call('+919876543210', { contactId: '7', campaignId: 'c1' }, [
      { type: 'dial_requested' },
      { type: 'provider_accepted', providerSid: 'CA1' },
      { type: 'answered' },
      { type: 'ended', status: 'completed', durationSec: 40 },
    ]);
    const second = call('+919800000001', {}, [{ type: 'dial_requested' }]);
    bot.insertSession({
      id: 's1',
      attemptId: first,
      streamSid: 's1',
      callSid: 'CA1',
      botId: 'demo',
      sampleRate: 8000,
      startedAt: new Date().toISOString(),
    });
    [500, 300, 900].forEach((v, turn) =>
      bot.addMetrics('s1', {
        turn,
        input: 'speech',
        endpointingMs: 300,
        asrMs: null,
        dialogMs: null,
        llmFirstTokenMs: null,
        llmTotalMs: null,
        ttsFirstAudioMs: null,
        responseMs: null,
        voiceToVoiceMs: v,
        botAudioMs: 500,
      }),
    );
    bot.endSession('s1', {
      endedAt: new Date().toISOString(),
      endReason: 'bot_hangup',
      disposition: 'confirmed',
      transfer: 'none',
      durationMs: 40_000,
      turns: 3,
      recordings: null,
    });

    // The dialer's record of the attempt: its number for the contact, and the outcome check's flags.
    db.exec(`INSERT INTO campaigns (id, name, state, list_id, settings, created_at, created_by, updated_at)
        VALUES ('c1', 'July', 'running', 1, '{}', '2026-01-01T00:00:00Z', 't', '2026-01-01T00:00:00Z');
      INSERT INTO campaign_contacts (campaign_id, contact_id, position, number, name, updated_at)
        VALUES ('c1', 7, 0, '+919876543210', 'Meera R. (as queued)', '2026-01-01T00:00:00Z');
      INSERT INTO campaign_attempts (attempt_id, campaign_id, contact_id, attempt_no, flags, created_at)
        VALUES ('${first}', 'c1', 7, 2, '["short_completed"]', '2026-01-01T00:00:00Z');`);

    const board = new CallBoardQuery(db);
    const rows = board.rows({ limit: 10 });
    expect(rows.map((r) => r.id)).toEqual([second, first]);
    expect(rows[1]).toMatchObject({
      number: '+919876543210',
      state: 'completed',
      durationSec: 40,
      campaignId: 'c1',
      contactName: 'Meera R. (as queued)',
      attemptNo: 2,
      disposition: 'confirmed',
      latencyMs: 500,
      flags: ['short_completed'],
    });
    expect(rows[0]).toMatchObject({
      state: 'dialing',
      contactName: null,
      disposition: null,
      latencyMs: null,
    });
    expect(board.rows({ limit: 10, attemptIds: [first] }).map((r) => r.id)).toEqual([first]);
    expect(board.rows({ limit: 10, campaignId: 'c1' }).map((r) => r.id)).toEqual([first]);
    expect(board.rows({ limit: 1 })).toHaveLength(1);
  });

  it("flags a call whose bot heard a turn late (speech recognition past its deadline), and the turn's metrics say so", () => {
    const { db, call, bot } = setup();
    const [late, onTime] = ['+919800000002', '+919800000003'].map((n) =>
      call(n, {}, [{ type: 'dial_requested' }]),
    );
    const turn = (asrLate: boolean) => ({
      turn: 1,
      input: 'speech' as const,
      endpointingMs: 300,
      asrMs: asrLate ? 900 : 20,
      dialogMs: 1,
      llmFirstTokenMs: null,
      llmTotalMs: null,
      ttsFirstAudioMs: 5,
      responseMs: 950,
      voiceToVoiceMs: 1250,
      botAudioMs: 800,
      ...(asrLate ? { asrLate } : {}),
    });
    for (const [id, attemptId, asrLate] of [
      ['s-late', late, true],
      ['s-on-time', onTime, false],
    ] as const) {
      bot.insertSession({
        id,
        attemptId: attemptId ?? null,
        streamSid: id,
        callSid: id,
        botId: 'demo',
        sampleRate: 8000,
        startedAt: new Date().toISOString(),
      });
      bot.addMetrics(id, turn(asrLate));
    }
    const rows = new CallBoardQuery(db).rows({ limit: 10 });
    expect(rows.find((r) => r.id === late)?.flags).toEqual([SPEECH_LATE_FLAG]);
    expect(rows.find((r) => r.id === onTime)?.flags).toEqual([]);
    expect(bot.metrics('s-late')).toEqual([turn(true)]);
    expect(bot.metrics('s-on-time')).toEqual([turn(false)]);
  });

  // Found watching the board: a talking call's "In state" went back to 0 s when the bot decided on a
  // transfer (any change of the call moved updated_at, which the timer counted from).
  it('keeps when a call entered its state while other facts of it change', async () => {
    const { call, db } = setup();
    const calls = new CallStateService(
      new CallsRepository(db),
      createLogger([memorySink([])], 'warn', 'test'),
    );
    const id = call('+919876543210', {}, [
      { type: 'dial_requested' },
      { type: 'provider_accepted', providerSid: 'CA9' },
      { type: 'answered' },
    ]);
    const row = () => new CallBoardQuery(db).rows({ attemptIds: [id], limit: 1 })[0];
    const answered = row();
    expect(answered?.state).toBe('in_progress');
    const pause = () => new Promise((r) => setTimeout(r, 15));
    await pause();
    calls.record(id, 'stream', { type: 'transfer_decided', decision: 'none' });
    const decided = row();
    expect(decided?.transferDecision).toBe('none');
    expect(decided?.updatedAt).not.toBe(answered?.updatedAt);
    expect(decided?.stateSince).toBe(answered?.stateSince);
    await pause();
    calls.record(id, 'dialer', { type: 'ended', status: 'completed', durationSec: 30 });
    const ended = row();
    expect(ended?.state).toBe('completed');
    expect(ended?.stateSince).toBe(ended?.updatedAt);
    expect(ended?.stateSince).not.toBe(answered?.stateSince);
  });

  it('is an Api query that refuses an empty id list', async () => {
    const t = await makeTestCore();
    try {
      expect(await t.core.invoke('calls.board', {})).toMatchObject({ ok: true, value: [] });
      expect(await t.core.invoke('calls.board', { attemptIds: [] })).toMatchObject({
        ok: false,
        error: { code: 'invalid_request' },
      });
    } finally {
      await t.cleanup();
    }
  });
});
