import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/main/core/api';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { createApiClient, type ApiTransport } from '../../../src/shared/api/client';
import type { EventName } from '../../../src/shared/api/events';

const bus = (capacity?: number) => {
  const logs: LogRecord[] = [];
  return new EventBus(createLogger([memorySink(logs)], 'debug'), capacity);
};

describe('event sequence numbers and replay', () => {
  it('numbers every event of a run from 1 without gaps and hands listeners the number', () => {
    const b = bus();
    const seen: [string, number][] = [];
    b.subscribe((event, _payload, seq) => seen.push([event, seq]));
    b.emit('dnc.changed', {});
    b.emit('contacts.listsChanged', {});
    b.emit('dnc.changed', {});
    expect(seen).toEqual([
      ['dnc.changed', 1],
      ['contacts.listsChanged', 2],
      ['dnc.changed', 3],
    ]);
    expect(b.position()).toEqual({ epoch: b.epoch, seq: 3 });
  });

  it('replays exactly the events after a position, in order, while the buffer holds them', () => {
    const b = bus(5);
    for (let i = 0; i < 4; i++) b.emit('dnc.changed', {});
    expect(b.since({ epoch: b.epoch, seq: 4 })).toEqual([]);
    expect(b.since({ epoch: b.epoch, seq: 1 })?.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(b.since({ epoch: b.epoch, seq: 0 })?.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    // The ring wraps: seven events, five kept.
    for (let i = 0; i < 3; i++) b.emit('contacts.listsChanged', {});
    expect(b.since({ epoch: b.epoch, seq: 2 })?.map((e) => [e.seq, e.event])).toEqual([
      [3, 'dnc.changed'],
      [4, 'dnc.changed'],
      [5, 'contacts.listsChanged'],
      [6, 'contacts.listsChanged'],
      [7, 'contacts.listsChanged'],
    ]);
  });

  it('says when it cannot replay: too old, from the future, or another run of the core', () => {
    const b = bus(5);
    for (let i = 0; i < 7; i++) b.emit('dnc.changed', {});
    expect(b.since({ epoch: b.epoch, seq: 1 })).toBeUndefined(); // 6 missed, 5 kept
    expect(b.since({ epoch: b.epoch, seq: 8 })).toBeUndefined();
    expect(b.since({ epoch: b.epoch, seq: -1 })).toBeUndefined();
    expect(b.since({ epoch: bus().epoch, seq: 6 })).toBeUndefined();
    expect(bus().epoch).not.toBe(b.epoch);
  });
});

/** A transport the test drives: it delivers whatever the test pushes. */
function scriptedTransport() {
  let deliver: ((event: EventName, payload: unknown, seq?: number) => void) | undefined;
  let resync: (() => void) | undefined;
  const transport: ApiTransport = {
    invoke: () => Promise.resolve({ ok: true, value: null }),
    stage: () => Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'no' } }),
    subscribe(l) {
      deliver = l;
      return () => (deliver = undefined);
    },
    onResync(l) {
      resync = l;
      return () => (resync = undefined);
    },
  };
  return {
    transport,
    push: (seq: number) => deliver?.('dnc.changed', {}, seq),
    lost: () => resync?.(),
  };
}

describe('the page side of the numbers', () => {
  it('drops a repeated event, and asks every store to re-fetch after a jump or a lost replay', async () => {
    const t = scriptedTransport();
    const api = createApiClient(t.transport);
    const got: (number | undefined)[] = [];
    let resyncs = 0;
    api.on('dnc.changed', (_p, seq) => got.push(seq));
    api.onResync(() => resyncs++);
    t.push(1);
    t.push(2);
    t.push(2); // a repeat (e.g. replayed after a reconnect)
    t.push(1);
    t.push(3);
    expect(got).toEqual([1, 2, 3]);
    expect(resyncs).toBe(0);
    t.push(7); // 4..6 never arrived
    await Promise.resolve();
    expect(got).toEqual([1, 2, 3, 7]);
    expect(resyncs).toBe(1);
    // The transport reconnected to a restarted core: numbers start again and stores re-fetch.
    t.lost();
    expect(resyncs).toBe(2);
    t.push(1);
    expect(got).toEqual([1, 2, 3, 7, 1]);
  });
});
