import { describe, expect, it } from 'vitest';
import {
  encodeInboundFrame,
  encodeOutboundFrame,
  parseInboundFrame,
  parseOutboundFrame,
  type InboundFrame,
} from '../../../src/main/core/stream';

const pcm = Buffer.from(Int16Array.from([0, 1000, -1000, 32767, -32768]).buffer);
const b64 = pcm.toString('base64');

function ok(data: unknown): InboundFrame {
  const r = parseInboundFrame(data);
  if (!r.ok) throw r.error;
  return r.frame;
}

describe('inbound frames (Exotel → bot)', () => {
  it('parses the documented start frame with numbers as strings', () => {
    const f = ok(
      JSON.stringify({
        event: 'start',
        sequence_number: '1',
        stream_sid: 'MZ1',
        start: {
          stream_sid: 'MZ1',
          call_sid: 'CA1',
          account_sid: 'AC1',
          from: '+919800000000',
          to: '+918000000000',
          custom_parameters: { k: 'v', n: 5 },
          media_format: { encoding: 'raw/slin', sample_rate: '8000', bit_rate: '128kbps' },
        },
      }),
    );
    expect(f).toEqual({
      event: 'start',
      sequenceNumber: 1,
      streamSid: 'MZ1',
      callSid: 'CA1',
      accountSid: 'AC1',
      from: '+919800000000',
      to: '+918000000000',
      customParameters: { k: 'v', n: '5' },
      mediaFormat: { encoding: 'raw/slin', sampleRate: 8000, bitRate: '128kbps' },
    });
  });

  it('accepts camelCase keys, integers and the other media_format spelling', () => {
    const f = ok(
      JSON.stringify({
        event: 'start',
        sequenceNumber: 1,
        start: {
          streamSid: 'MZ2',
          callSid: 'CA2',
          accountSid: 'AC2',
          from: 9198,
          to: '+91',
          customParameters: { someKey: 'x' },
          mediaFormat: { encoding: 'audio/x-raw', sampleRate: 16000, bitRate: 16 },
        },
      }),
    );
    expect(f.event).toBe('start');
    if (f.event !== 'start') return;
    expect(f.streamSid).toBe('MZ2');
    expect(f.from).toBe('9198');
    expect(f.customParameters).toEqual({ someKey: 'x' }); // the caller's keys are kept as sent
    expect(f.mediaFormat).toEqual({ encoding: 'audio/x-raw', sampleRate: 16000, bitRate: '16' });
  });

  it('decodes media payloads and numeric fields either way', () => {
    for (const [chunk, ts] of [
      ['2', '200'],
      [2, 200],
    ] as const) {
      const f = ok(
        JSON.stringify({
          event: 'media',
          sequence_number: 3,
          streamSid: 'MZ1',
          media: { chunk, timestamp: ts, payload: b64 },
        }),
      );
      expect(f).toEqual({
        event: 'media',
        sequenceNumber: 3,
        streamSid: 'MZ1',
        chunk: 2,
        timestamp: 200,
        payload: pcm,
      });
    }
  });

  it('parses dtmf, mark, stop and connected; accepts Buffer input', () => {
    expect(ok(Buffer.from('{"event":"connected","protocol":"Call","version":"1.0.0"}'))).toEqual({
      event: 'connected',
    });
    expect(ok('{"event":"dtmf","stream_sid":"MZ1","dtmf":{"digit":5,"duration":"100"}}')).toMatchObject({
      event: 'dtmf',
      digit: '5',
      durationMs: 100,
    });
    expect(ok('{"event":"mark","sequence_number":"15","stream_sid":"MZ1","mark":{"name":"turn-3"}}')).toEqual(
      {
        event: 'mark',
        sequenceNumber: 15,
        streamSid: 'MZ1',
        name: 'turn-3',
      },
    );
    expect(
      ok('{"event":"stop","stream_sid":"MZ1","stop":{"call_sid":"CA1","reason":"callended"}}'),
    ).toMatchObject({
      event: 'stop',
      callSid: 'CA1',
      reason: 'callended',
    });
  });

  it('reports malformed and unknown frames as typed errors without throwing', () => {
    const cases: [unknown, string][] = [
      ['not json', 'invalid_json'],
      ['[1,2]', 'not_an_object'],
      ['{"event":"dance"}', 'unknown_event'],
      ['{"no":"event"}', 'unknown_event'],
      ['{"event":"media","media":{"payload":"***"}}', 'invalid_frame'],
      ['{"event":"media","media":{"payload":"AAAA"}}', 'invalid_frame'], // 3 bytes: not 16-bit PCM
      ['{"event":"media","media":{"chunk":"two","payload":"AAAA"}}', 'invalid_frame'],
      ['{"event":"start","start":{"stream_sid":"MZ1"}}', 'invalid_frame'], // no call_sid
      ['{"event":"dtmf","dtmf":{"digit":"55"}}', 'invalid_frame'],
      [42, 'invalid_json'],
    ];
    for (const [data, kind] of cases) {
      const r = parseInboundFrame(data);
      expect(r.ok, String(data)).toBe(false);
      if (!r.ok) {
        expect(r.error.kind, String(data)).toBe(kind);
        expect(r.error.message.length).toBeGreaterThan(10);
      }
    }
  });
});

describe('a start frame without a stream_sid (third-party clients)', () => {
  it('takes the call sid as the stream sid and flags it', () => {
    const r = parseInboundFrame('{"event":"start","start":{"call_sid":"CA1"}}');
    expect(r.ok).toBe(true);
    if (!r.ok || r.frame.event !== 'start') return;
    expect(r.frame).toMatchObject({ streamSid: 'CA1', callSid: 'CA1', streamSidFromCallSid: true });
    const withSid = parseInboundFrame('{"event":"start","stream_sid":"MZ1","start":{"call_sid":"CA1"}}');
    expect(withSid.ok && withSid.frame.event === 'start' && !withSid.frame.streamSidFromCallSid).toBe(true);
  });
});

describe('outbound frames (bot → Exotel)', () => {
  it('emits exactly the documented snake_case form', () => {
    expect(encodeOutboundFrame({ event: 'media', payload: pcm }, 'MZ9')).toBe(
      `{"event":"media","stream_sid":"MZ9","media":{"payload":"${b64}"}}`,
    );
    expect(encodeOutboundFrame({ event: 'mark', name: 'turn-3' }, 'MZ9')).toBe(
      '{"event":"mark","stream_sid":"MZ9","mark":{"name":"turn-3"}}',
    );
    expect(encodeOutboundFrame({ event: 'clear' }, 'MZ9')).toBe('{"event":"clear","stream_sid":"MZ9"}');
  });

  it('parses both key spellings back', () => {
    const r = parseOutboundFrame(`{"event":"media","streamSid":"MZ9","media":{"payload":"${b64}"}}`);
    expect(r).toEqual({ ok: true, frame: { event: 'media', streamSid: 'MZ9', payload: pcm } });
    expect(parseOutboundFrame('{"event":"clear","stream_sid":"MZ9"}')).toEqual({
      ok: true,
      frame: { event: 'clear', streamSid: 'MZ9' },
    });
    expect(parseOutboundFrame('{"event":"start"}').ok).toBe(false);
  });
});

describe('inbound emission (the Exotel side)', () => {
  it('round-trips every event through the lenient parser', () => {
    const frames: InboundFrame[] = [
      { event: 'connected' },
      {
        event: 'start',
        sequenceNumber: 1,
        streamSid: 'MZ1',
        callSid: 'CA1',
        accountSid: 'AC1',
        from: '+91',
        to: '+92',
        customParameters: { a: 'b' },
        mediaFormat: { encoding: 'raw/slin', sampleRate: 24000, bitRate: '128kbps' },
      },
      {
        event: 'media',
        sequenceNumber: 2,
        streamSid: 'MZ1',
        chunk: 1,
        timestamp: 100,
        payload: pcm.subarray(0, 4),
      },
      { event: 'dtmf', sequenceNumber: 3, streamSid: 'MZ1', digit: '#', durationMs: 100 },
      { event: 'mark', sequenceNumber: 4, streamSid: 'MZ1', name: 'm' },
      {
        event: 'stop',
        sequenceNumber: 5,
        streamSid: 'MZ1',
        callSid: 'CA1',
        accountSid: 'AC1',
        reason: 'callended',
      },
    ];
    for (const frame of frames) expect(ok(encodeInboundFrame(frame))).toEqual(frame);
    expect(encodeInboundFrame(frames[3] as InboundFrame)).toBe(
      '{"event":"dtmf","sequence_number":"3","stream_sid":"MZ1","dtmf":{"digit":"#","duration":"100"}}',
    );
  });
});
