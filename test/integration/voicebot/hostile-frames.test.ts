import { afterEach, describe, expect, it } from 'vitest';
import { makeWireRig, RawExotel, STREAM_SID, type WireRig } from './wire-harness';

// Issue 8, finding 2: one deeply nested stream frame overflowed the stack in the codec's error message
// and the exception escaped the socket handler. Hostile frames, before and after `start`, on the real
// public surface: each is dropped with a short log line and the call goes on.

let rig: WireRig | undefined;
afterEach(async () => {
  for (const key of Object.keys(Object.prototype)) delete (Object.prototype as Record<string, unknown>)[key];
  await rig?.close();
  rig = undefined;
});

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('hostile stream frames on the wire', () => {
  it('a frame nested 4,000 (or 100,000) deep, before and after start, is dropped; the bot still answers', async () => {
    rig = await makeWireRig(['yes']);
    const c = await RawExotel.connect(rig.streamUrl);
    c.sendRaw(`{"event":${deep(4000)}}`);
    c.sendRaw(`{"event":${deep(100_000)}}`);
    c.sendRaw(`{"event":"media","media":{"payload":${deep(4000)}}}`);
    c.begin();
    c.sendRaw(`{"event":${deep(4000)}}`);
    c.sendRaw(`{"event":"media","stream_sid":"${STREAM_SID}","media":${deep(4000)}}`);
    await c.untilMark('turn-1');
    c.echoMark('turn-1');
    c.speak(600);
    c.silence(600);
    await c.untilMark('turn-2');
    expect(c.isOpen).toBe(true);

    const dropped = rig.logs.filter((l) => l.message === 'dropped a bad stream frame');
    expect(dropped.map((l) => l.fields?.kind)).toEqual(Array(5).fill('too_deep'));
    for (const line of dropped) expect(JSON.stringify(line).length).toBeLessThan(2048);
    c.close();
  });

  it('prototype keys in a frame are refused and never reach Object.prototype', async () => {
    rig = await makeWireRig(['yes']);
    const c = await RawExotel.connect(rig.streamUrl);
    const start = (params: string) =>
      `{"event":"start","sequence_number":"1","stream_sid":"${STREAM_SID}","start":{"stream_sid":"${STREAM_SID}",` +
      `"call_sid":"CA1","account_sid":"AC1","from":"+919876543210","to":"+918047000000",` +
      `"custom_parameters":${params},"media_format":{"encoding":"raw/slin","sample_rate":"8000","bit_rate":"128kbps"}}}`;
    c.sendRaw('{"event":"connected"}');
    c.sendRaw(start('{"__proto__":{"polluted":"yes"}}'));
    c.sendRaw(
      `{"event":"mark","streamSid":"${STREAM_SID}","mark":{"constructor":{"prototype":{"polluted":"yes"}}}}`,
    );
    c.sendRaw(`{"event":"stop","__proto__":{"polluted":"yes"}}`);
    await c.until(
      () => rig!.logs.filter((l) => l.message === 'dropped a bad stream frame').length === 3,
      'drops',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);

    // The call goes on with a clean start.
    c.begin({ name: 'Asha' });
    await c.untilMark('turn-1');
    const dropped = rig.logs.filter((l) => l.message === 'dropped a bad stream frame');
    expect(dropped.map((l) => [l.fields?.kind, l.fields?.error])).toEqual([
      ['forbidden_key', 'inbound frame refused: key "__proto__" is not allowed'],
      ['forbidden_key', 'inbound frame refused: key "constructor" is not allowed'],
      ['forbidden_key', 'inbound frame refused: key "__proto__" is not allowed'],
    ]);
    c.close();
  });

  it('an unknown event is named briefly, whatever its size', async () => {
    rig = await makeWireRig(['yes']);
    const c = await RawExotel.connect(rig.streamUrl);
    c.sendRaw(JSON.stringify({ event: 'x'.repeat(100_000) }));
    c.sendRaw(JSON.stringify({ event: { a: [1, { b: 2 }] } }));
    await c.until(
      () => rig!.logs.filter((l) => l.message === 'dropped a bad stream frame').length === 2,
      'drops',
    );
    const dropped = rig.logs.filter((l) => l.message === 'dropped a bad stream frame');
    expect(dropped.map((l) => l.fields?.kind)).toEqual(['unknown_event', 'unknown_event']);
    for (const line of dropped) expect(JSON.stringify(line).length).toBeLessThan(2048);
    expect(dropped[1]?.fields?.error).toBe('inbound frame has unknown event (an object)');
    c.close();
  });
});
