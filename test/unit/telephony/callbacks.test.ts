import { describe, expect, it } from 'vitest';
import { parsePassthru, parseStatusCallback } from '../../../src/main/core/telephony';

describe('status callback parsing', () => {
  it('reads multipart-style bracketed legs and normalises casing', () => {
    const r = parseStatusCallback({
      CallSid: 'CA1',
      EventType: 'Terminal',
      Status: 'no_answer',
      CustomField: 'att-1',
      ConversationDuration: '0',
      'Legs[0][OnCallDuration]': '0',
      'Legs[0][Status]': 'no-answer',
      'Legs[0][AnsweredBy]': 'NotSure',
      Unknown: 'kept out',
    });
    expect(r).toMatchObject({
      ok: true,
      value: {
        callSid: 'CA1',
        eventType: 'terminal',
        status: 'no-answer',
        customField: 'att-1',
        conversationDurationSec: 0,
        answeredBy: 'not_sure',
        legs: [{ onCallDurationSec: 0, status: 'no-answer', answeredBy: 'not_sure' }],
      },
    });
  });

  it('reads JSON legs, legs as a JSON string, and numbers as numbers', () => {
    const json = parseStatusCallback({
      CallSid: 'CA2',
      Status: 'completed',
      Legs: [{ OnCallDuration: 12, AnsweredBy: 'MACHINE' }],
    });
    expect(json.ok && json.value.legs[0]).toEqual({
      onCallDurationSec: 12,
      status: null,
      answeredBy: 'machine',
    });
    expect(json.ok && json.value.eventType).toBeNull();
    const str = parseStatusCallback({
      CallSid: 'CA3',
      Status: 'busy',
      Legs: '[{"OnCallDuration":"3","Status":"busy"}]',
    });
    expect(str.ok && str.value.legs[0]?.onCallDurationSec).toBe(3);
  });

  it('rejects callbacks without CallSid or Status, and unknown event types', () => {
    const noSid = parseStatusCallback({ Status: 'completed' });
    expect(!noSid.ok && noSid.error).toMatch(/CallSid/);
    const noStatus = parseStatusCallback({ CallSid: 'x' });
    expect(!noStatus.ok && noStatus.error).toMatch(/Status/);
    expect(parseStatusCallback({ CallSid: 'x', Status: 'completed', EventType: 'exploded' }).ok).toBe(false);
  });
});

describe('passthru parsing', () => {
  it('strips the quotes around digits and reads Exotel field names', () => {
    const r = parsePassthru(
      new URLSearchParams({
        CallSid: 'CA1',
        CallFrom: '0987',
        CallTo: '080',
        digits: '"123"',
        CustomField: 'att',
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      value: { callSid: 'CA1', from: '0987', to: '080', digits: '123', customField: 'att', stream: null },
    });
    const empty = parsePassthru(new URLSearchParams({ CallSid: 'CA1', digits: '""' }));
    expect(empty.ok && empty.value.digits).toBeNull();
  });

  it('reads the stream block in bracketed and JSON forms', () => {
    const bracketed = parsePassthru(
      new URLSearchParams({
        CallSid: 'CA1',
        'Stream[StreamSID]': 'MZ1',
        'Stream[Duration]': '9',
        'Stream[DisconnectedBy]': 'Bot',
      }),
    );
    expect(bracketed.ok && bracketed.value.stream).toEqual({
      streamSid: 'MZ1',
      status: null,
      durationSec: 9,
      recordingUrl: null,
      disconnectedBy: 'bot',
    });
    const json = parsePassthru(
      new URLSearchParams({
        CallSid: 'CA1',
        Stream: '{"StreamSID":"MZ2","DisconnectedBy":"user","Status":"completed"}',
      }),
    );
    expect(json.ok && json.value.stream).toMatchObject({
      streamSid: 'MZ2',
      disconnectedBy: 'user',
      status: 'completed',
    });
  });
});
