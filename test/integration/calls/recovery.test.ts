import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CallStateService, recoverCalls, reduceCall, type CallInput } from '../../../src/main/core/calls';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { CallsRepository, openDatabase, type Db } from '../../../src/main/core/store';
import type { CallDetailsResult, ExotelCall } from '../../../src/main/core/telephony';
import { makeTempDir } from '../../helpers/temp-dir';

// Start-up recovery of calls a crash left open, on a real SQLite file through the real state service:
// each is settled by an input to the state machine (never a row update) and none stays open.

let db: Db | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  db?.close();
  cleanup?.();
  db = undefined;
});

const exotelCall = (Sid: string, Status: string): ExotelCall => ({
  Sid,
  Status,
  Duration: 42,
  Details: { ConversationDuration: 42 },
});

function setup() {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
  const logs: LogRecord[] = [];
  const log = createLogger([memorySink(logs)], 'debug', 'test');
  const repo = new CallsRepository(db);
  const calls = new CallStateService(repo, log);
  /** An attempt taken through `inputs`, as a crashed run left it. */
  const attempt = (provider: string, ...inputs: CallInput[]) => {
    const a = calls.createAttempt({ number: '+919876543210', mode: 'flow', provider });
    for (const input of inputs) calls.record(a.id, 'dialer', input);
    return a.id;
  };
  return { repo, calls, log, logs, attempt };
}

const live = (sid: string): CallInput[] => [
  { type: 'dial_requested' },
  { type: 'provider_accepted', providerSid: sid },
  { type: 'answered' },
  { type: 'stream_started' },
];

describe('calls left open by a crash', () => {
  it('are settled by the provider where it can say, else interrupted with the reason', async () => {
    const { repo, calls, log, attempt } = setup();
    const answered = attempt('exotel', ...live('CA-done'));
    const ringing = attempt(
      'exotel',
      { type: 'dial_requested' },
      { type: 'provider_accepted', providerSid: 'CA-ring' },
      { type: 'ringing' },
    );
    const unknown = attempt('exotel', ...live('CA-gone'));
    const noSid = attempt('exotel', { type: 'dial_requested' });
    const noProvider = attempt('sandbox', ...live('CA-sbx'));
    const stillLive = attempt('exotel', ...live('CA-live'));
    const finished = attempt('exotel', { type: 'dial_requested' }, { type: 'ended', status: 'busy' });
    const asked: string[] = [];
    const exotel = {
      callDetails: (sid: string): Promise<CallDetailsResult> => {
        asked.push(sid);
        if (sid === 'CA-done') return Promise.resolve({ kind: 'found', call: exotelCall(sid, 'completed') });
        if (sid === 'CA-ring') return Promise.resolve({ kind: 'found', call: exotelCall(sid, 'no-answer') });
        if (sid === 'CA-live')
          return Promise.resolve({ kind: 'found', call: exotelCall(sid, 'in-progress') });
        return Promise.resolve({ kind: 'rejected', status: 404, message: 'Call not found', code: 404 });
      },
    };
    const recovered = await recoverCalls({
      calls,
      repo,
      providerFor: (a) => (a.provider === 'exotel' ? exotel : undefined),
      log,
    });

    const state = (id: string) => calls.attempt(id);
    expect(state(answered)).toMatchObject({ state: 'completed', stream: 'ended', durationSec: 42 });
    expect(state(ringing)).toMatchObject({ state: 'no_answer', endReason: 'no_answer' });
    expect(state(unknown)).toMatchObject({
      state: 'interrupted',
      stream: 'ended',
      endReason:
        'CallDeck stopped while the call was in progress; the provider could not say (rejected: Call not found)',
    });
    expect(state(noSid)).toMatchObject({
      state: 'interrupted',
      endReason:
        'CallDeck stopped while the call was dialing; the dial request has no provider answer, so the call cannot be looked up',
    });
    expect(state(noProvider)?.endReason).toMatch(/provider sandbox is not available to ask$/);
    expect(state(stillLive)?.endReason).toMatch(/the provider still reports it in progress$/);
    expect(state(finished)).toMatchObject({ state: 'busy' });
    // Every open call, and only those: none left open.
    expect(recovered.map((r) => r.attemptId).sort()).toEqual(
      [answered, ringing, unknown, noSid, noProvider, stillLive].sort(),
    );
    expect(asked.sort()).toEqual(['CA-done', 'CA-gone', 'CA-live', 'CA-ring']);
    expect(
      repo.listAttempts().filter((a) => !['completed', 'busy', 'no_answer', 'interrupted'].includes(a.state)),
    ).toEqual([]);

    // Through the state machine: the events replay to the same view.
    for (const id of [answered, unknown, noSid]) {
      const events = calls.events(id);
      expect(events.at(-1)?.source).toMatch(/^(api|recovery)$/);
      const replayed = reduceCall(events.map((e) => ({ input: e.payload as CallInput, at: e.receivedAt })));
      expect(replayed.view.state).toBe(state(id)?.state);
    }
    // A second start finds nothing open.
    expect(await recoverCalls({ calls, repo, providerFor: () => exotel, log })).toEqual([]);
  });

  it('the provider word, when it comes later, replaces interrupted; nothing else does', () => {
    const { calls, attempt } = setup();
    const id = attempt('exotel', ...live('CA-late'));
    calls.record(id, 'recovery', { type: 'interrupted', reason: 'CallDeck stopped' });
    expect(calls.record(id, 'timer', { type: 'timed_out', reason: 'late timer' }).changed).toBe(false);
    expect(calls.record(id, 'stream', { type: 'stream_started' }).changed).toBe(false);
    expect(calls.attempt(id)?.state).toBe('interrupted');
    const late = calls.record(id, 'status_callback', { type: 'ended', status: 'completed', durationSec: 61 });
    expect(late.changed).toBe(true);
    expect(calls.attempt(id)).toMatchObject({ state: 'completed', endReason: null, durationSec: 61 });
    // Once the provider has said, its end is final like any other.
    expect(calls.record(id, 'api', { type: 'provider_reported', status: 'failed' }).changed).toBe(false);
  });
});
