import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialOnce } from '../../../src/main/core/calls';
import type { PlacingCall } from '../../../src/main/core/calls/dial-once';
import { DncRepository, MIGRATIONS, openDatabase } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';
import { makeRig, type Rig } from '../telephony/rig';

// dialOnce is the one way a call is placed (test calls now, the campaign dialer next): the
// Do-Not-Call register is checked there, so no dial path can skip it.
describe('dialOnce and the Do-Not-Call register', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('refuses a number on the register before any attempt exists or any request leaves', async () => {
    rig = await makeRig();
    const dnc = new DncRepository(rig.db);
    dnc.add([
      {
        phone_e164: '+919876543210',
        note: 'asked not to be called',
        source: 'test',
        added_at: new Date().toISOString(),
        added_by: 'tester',
      },
    ]);
    const request = {
      mode: 'stream' as const,
      callerId: '+918047000000',
      flowUrl: 'http://my.exotel.com/ACsandbox/exoml/start_voice/1',
      streamUrl: rig.urls.voicebot,
      statusCallbackUrl: rig.urls.statusCallback,
    };
    const refused = await dialOnce(
      { calls: rig.calls, provider: rig.provider, dnc },
      { ...request, number: '+919876543210' },
    );
    expect(refused).toEqual({
      kind: 'refused',
      reason: 'dnc',
      message: '+919876543210 is on the Do-Not-Call list: it is never dialled (remove it there first)',
    });
    expect(rig.db.prepare('SELECT COUNT(*) FROM call_attempts').pluck().get()).toBe(0);
    expect(rig.sandbox.calls().length).toBe(0);

    const placed = await dialOnce(
      { calls: rig.calls, provider: rig.provider, dnc },
      { ...request, number: '+919876543211', variables: { name: 'Meera' } },
    );
    expect(placed.kind).toBe('placed');
    if (placed.kind !== 'placed') return;
    expect(placed.result.kind).toBe('accepted');
    // The variables travel with the dial, recorded on its first event.
    expect(rig.calls.dialVariables(placed.attempt.id)).toEqual({ name: 'Meera' });
  });

  it('tells `placing` about the call once its attempt is recorded, before the request leaves', async () => {
    rig = await makeRig();
    const r = rig;
    const dnc = new DncRepository(r.db);
    const seen: { call: PlacingCall; attempts: number; atProvider: number }[] = [];
    const placing = (call: PlacingCall) =>
      seen.push({
        call,
        attempts: r.db
          .prepare('SELECT COUNT(*) FROM call_attempts WHERE id = ?')
          .pluck()
          .get(call.attemptId) as number,
        atProvider: r.sandbox.calls().length,
      });
    const placed = await dialOnce(
      { calls: r.calls, provider: r.provider, dnc, placing },
      {
        mode: 'stream',
        callerId: '+918047000000',
        flowUrl: 'http://my.exotel.com/ACsandbox/exoml/start_voice/1',
        streamUrl: r.urls.voicebot,
        statusCallbackUrl: r.urls.statusCallback,
        number: '+919876543230',
        contactId: '7',
        bot: 'appointment-reminder',
        variables: { name: 'Meera' },
      },
    );
    if (placed.kind !== 'placed') throw new Error('not placed');
    const streamUrl = new URL(r.urls.voicebot);
    streamUrl.searchParams.set('attempt', placed.attempt.id);
    expect(seen).toEqual([
      {
        call: {
          attemptId: placed.attempt.id,
          contactId: '7',
          bot: 'appointment-reminder',
          variables: { name: 'Meera' },
          streamUrl: streamUrl.toString(),
        },
        attempts: 1,
        atProvider: 0,
      },
    ]);
    expect(r.sandbox.calls().length).toBe(1);
  });

  it('records on each attempt the Do-Not-Call version its number was checked against', async () => {
    rig = await makeRig();
    const dnc = new DncRepository(rig.db);
    const request = {
      mode: 'stream' as const,
      callerId: '+918047000000',
      flowUrl: 'http://my.exotel.com/ACsandbox/exoml/start_voice/1',
      streamUrl: rig.urls.voicebot,
      statusCallbackUrl: rig.urls.statusCallback,
    };
    const versionOf = (id: string) =>
      rig!.db.prepare('SELECT dnc_version FROM call_attempts WHERE id = ?').pluck().get(id);
    const dial = async (number: string) => {
      const r = await dialOnce({ calls: rig!.calls, provider: rig!.provider, dnc }, { ...request, number });
      if (r.kind !== 'placed') throw new Error(`not placed: ${r.message}`);
      return r.attempt.id;
    };
    expect(versionOf(await dial('+919876543220'))).toBe(0);

    const entry = (phone_e164: string) => ({
      phone_e164,
      note: '',
      source: 'test',
      added_at: '2026-11-26T04:00:00.000Z',
      added_by: 'asha',
    });
    expect(dnc.add([entry('+919876543221'), entry('+919876543222')])).toHaveLength(2);
    expect(dnc.add([entry('+919876543221')])).toEqual([]); // no change, no new version
    expect(versionOf(await dial('+919876543220'))).toBe(1);

    const who = { at: '2026-11-26T04:05:00.000Z', by: 'ravi', source: 'manual' };
    expect(dnc.remove(['+919876543221', '+919800000000'], who)).toEqual(['+919876543221']);
    expect(versionOf(await dial('+919876543221'))).toBe(2);

    expect(dnc.versions(1, 2)).toEqual([
      { version: 1, at: '2026-11-26T04:00:00.000Z', actor: 'asha', source: 'test', added: 2, removed: 0 },
      { version: 2, at: who.at, actor: 'ravi', source: 'manual', added: 0, removed: 1 },
    ]);
    expect(dnc.history('+919876543221')).toEqual([
      { version: 1, op: 'add' },
      { version: 2, op: 'remove' },
    ]);
  });

  it('makes a register from before versioning its version 1, and leaves older attempts without one', () => {
    const tmp = makeTempDir();
    try {
      const file = path.join(tmp.dir, 'calldeck.sqlite');
      const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 11) });
      old
        .prepare(
          `INSERT INTO dnc (phone_e164, note, source, added_at, added_by) VALUES
           ('+919000000001', '', 'manual', '2026-01-01T00:00:00.000Z', 'asha'),
           ('+919000000002', '', 'manual', '2026-02-01T00:00:00.000Z', 'asha')`,
        )
        .run();
      old
        .prepare(
          `INSERT INTO call_attempts (id, number, mode, provider, custom_field, state, created_at, updated_at)
         VALUES ('a1', '+919000000003', 'stream', 'sandbox', 'a1', 'completed', 'x', 'x')`,
        )
        .run();
      old.close();
      const db = openDatabase(file);
      try {
        const dnc = new DncRepository(db);
        expect(dnc.version()).toBe(1);
        expect(dnc.versions(1, 1)).toEqual([
          {
            version: 1,
            at: '2026-02-01T00:00:00.000Z',
            actor: 'calldeck',
            source: 'register before versioning',
            added: 2,
            removed: 0,
          },
        ]);
        expect(dnc.history('+919000000002')).toEqual([{ version: 1, op: 'add' }]);
        expect(db.prepare("SELECT dnc_version FROM call_attempts WHERE id = 'a1'").pluck().get()).toBeNull();
      } finally {
        db.close();
      }
    } finally {
      tmp.cleanup();
    }
  });
});
