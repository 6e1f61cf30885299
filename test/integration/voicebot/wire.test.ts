import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { decodeWav } from '../../../src/main/core/speech';
import { FakeLlm } from '../../../src/main/core/speech/testing';
import { createDialog, type DialogInput } from '../../../src/main/core/voicebot';
import {
  clear,
  turnFrames,
  makeWireRig,
  patient,
  RATE,
  RawExotel,
  repoRoot,
  STREAM_SID,
  type WireRig,
} from './wire-harness';

// Exact wire sequences of the voicebot session on the real public surface, with fake speech so every
// frame is known in advance: the bot's audio is the fake TTS of the dialog's text, framed by the
// stream rules (200 ms chunks, the remainder padded), then one mark per turn.

let rig: WireRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The dialog's own texts for a sequence of inputs (greeting first). */
async function botTexts(r: WireRig, inputs: DialogInput[]): Promise<string[]> {
  const dialog = createDialog(r.bot, patient);
  const texts = [(await dialog.start()).text];
  for (const input of inputs) texts.push((await dialog.handle(input)).text);
  return texts;
}

async function ended(r: WireRig, c: RawExotel) {
  await c.closed;
  await r.voicebot.idle();
  const [summary] = r.records.sessions();
  if (!summary) throw new Error('no session recorded');
  const detail = r.records.session(summary.id);
  if (!detail) throw new Error('no session detail');
  return detail;
}

describe('voicebot session on the wire (real ws server, fake speech)', () => {
  it('scripted call: greeting frames and mark, caller turn, reply frames and mark', async () => {
    rig = await makeWireRig(['yes']);
    const [greeting = '', reply = ''] = await botTexts(rig, [{ kind: 'speech', text: 'yes' }]);
    const c = await RawExotel.connect(rig.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    const greetingFrames = await turnFrames(greeting, 'turn-1');
    expect(c.received).toEqual(greetingFrames);

    c.silence(300);
    c.echoMark('turn-1'); // the greeting has played
    c.speak(600);
    c.silence(600);
    await c.untilMark('turn-2');
    expect(c.received.slice(greetingFrames.length)).toEqual(await turnFrames(reply, 'turn-2'));
    expect(rig.asr.calls[0]?.options.grammar?.phrases).toContain('yes');

    c.echoMark('turn-2');
    c.stop();
    const detail = await ended(rig, c);
    expect(detail.session).toMatchObject({
      attemptId: 'attempt-1',
      streamSid: STREAM_SID,
      endReason: 'caller_hangup',
      turns: 2,
      durationMs: 1500,
    });
    expect(detail.lines.map((l) => [l.speaker, l.kind, l.text, l.interrupted])).toEqual([
      ['bot', 'prompt', greeting, false],
      ['caller', 'speech', 'yes', false],
      ['bot', 'prompt', reply, false],
    ]);
    const caller = detail.lines[1];
    expect(caller?.startMs).toBeGreaterThanOrEqual(300);
    expect(caller?.endMs).toBeLessThanOrEqual(900);
    const [m1, m2] = detail.metrics;
    expect(m1).toMatchObject({ turn: 1, input: 'start', endpointingMs: null, voiceToVoiceMs: null });
    expect(m2).toMatchObject({ turn: 2, input: 'speech' });
    // 300 ms of silence ends the turn; the pipeline learns it at the end of a 100 ms chunk.
    expect(m2?.endpointingMs).toBeGreaterThanOrEqual(300);
    expect(m2?.endpointingMs).toBeLessThanOrEqual(400);
    expect(m2?.voiceToVoiceMs).toBeGreaterThanOrEqual(m2?.endpointingMs ?? Infinity);
    expect(m2?.ttsFirstAudioMs).not.toBeNull();
    expect(rig.decisions).toEqual(['stream_started']);

    const rec = detail.recordings;
    if (!rec) throw new Error('no recordings');
    const callerWav = decodeWav(fs.readFileSync(rec.caller));
    const botWav = decodeWav(fs.readFileSync(rec.bot));
    expect(callerWav.sampleRate).toBe(RATE);
    expect(callerWav.pcm.length).toBe(1500 * 16); // every caller sample, in order
    expect(botWav.pcm.length).toBe(callerWav.pcm.length);
    expect(fs.statSync(rec.mix).size).toBeGreaterThan(2 * callerWav.pcm.length);
  });

  it('barge-in: caller speech while the bot talks sends clear and the caller is answered', async () => {
    rig = await makeWireRig(['yes', 'confirm']);
    const r = rig;
    const c = await RawExotel.connect(r.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    c.echoMark('turn-1');
    c.speak(600);
    c.silence(400);
    const greetingCount = c.received.length;
    await c.until(() => c.received.length > greetingCount, 'the reply to start');
    c.speak(600); // over the appointment prompt, before its mark came back
    c.silence(400);
    await c.untilMark('turn-3');
    const after = c.received.slice(greetingCount);
    const clearAt = after.indexOf(clear);
    expect(clearAt).toBeGreaterThan(0);
    expect(after.slice(clearAt + 1)).toEqual(
      await turnFrames(
        (
          await botTexts(r, [
            { kind: 'speech', text: 'yes' },
            { kind: 'speech', text: 'confirm' },
          ])
        )[2] ?? '',
        'turn-3',
      ),
    );
    c.echoMark('turn-3'); // "Goodbye" played: the bot hangs up
    const closed = await c.closed;
    expect(closed).toEqual({ code: 1000, reason: 'bot_hangup' });
    const detail = await ended(r, c);
    expect(detail.session).toMatchObject({
      endReason: 'bot_hangup',
      disposition: 'confirmed',
      transfer: 'none',
    });
    const bot2 = detail.lines.find((l) => l.speaker === 'bot' && l.turn === 2);
    expect(bot2?.interrupted).toBe(true);
    expect(r.decisions).toEqual(['stream_started', 'none']);
  });

  it('dtmf reaches the dialog; 0 transfers, the last line plays, then the stream closes', async () => {
    rig = await makeWireRig([]);
    const r = rig;
    const texts = await botTexts(r, [
      { kind: 'dtmf', digit: '1' },
      { kind: 'dtmf', digit: '0' },
    ]);
    const c = await RawExotel.connect(r.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    const n1 = c.received.length;
    c.echoMark('turn-1');
    c.dtmf('1');
    await c.untilMark('turn-2');
    expect(c.received.slice(n1)).toEqual(await turnFrames(texts[1] ?? '', 'turn-2'));
    const n2 = c.received.length;
    c.echoMark('turn-2');
    c.dtmf('0');
    await c.untilMark('turn-3');
    expect(c.received.slice(n2)).toEqual(await turnFrames(texts[2] ?? '', 'turn-3'));
    expect(r.decisions).toEqual(['stream_started', 'agent']); // decided before the line plays
    expect(c.isOpen).toBe(true);
    // The transfer line may not be interrupted: speech over it is not a barge-in and not a turn.
    c.speak(500);
    c.silence(500);
    const n3 = c.received.length;
    c.echoMark('turn-3');
    expect(await c.closed).toEqual({ code: 1000, reason: 'transfer' });
    expect(c.received.slice(n3)).toEqual([]);
    const detail = await ended(r, c);
    expect(detail.session).toMatchObject({
      endReason: 'transfer',
      disposition: 'transferred',
      transfer: 'agent',
    });
    expect(detail.lines.filter((l) => l.speaker === 'caller').map((l) => [l.kind, l.text])).toEqual([
      ['dtmf', '1'],
      ['dtmf', '0'],
    ]);
  });

  it('stop mid-turn ends the session; the unfinished bot line is marked interrupted', async () => {
    rig = await makeWireRig([]);
    const c = await RawExotel.connect(rig.streamUrl);
    c.begin();
    await c.until(() => c.received.length > 0, 'the greeting audio');
    c.silence(200);
    c.stop();
    c.close();
    const detail = await ended(rig, c);
    expect(detail.session.endReason).toBe('caller_hangup');
    expect(detail.lines).toHaveLength(1);
    expect(detail.lines[0]).toMatchObject({ speaker: 'bot', turn: 1, interrupted: true });
    expect(detail.recordings).not.toBeNull();
  });

  it('no input: after the bot finishes, silence for the timeout (media time) is a no-input turn', async () => {
    rig = await makeWireRig([], { session: { noInputMs: 1000 } });
    const texts = await botTexts(rig, [{ kind: 'no_input' }]);
    const c = await RawExotel.connect(rig.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    const n1 = c.received.length;
    c.echoMark('turn-1');
    c.silence(900);
    c.silence(100); // no-input fires at exactly 1000 ms of media after the mark
    await c.untilMark('turn-2');
    expect(c.received.slice(n1)).toEqual(await turnFrames(texts[1] ?? '', 'turn-2'));
    c.close();
    const detail = await ended(rig, c);
    expect(detail.lines[1]).toMatchObject({ speaker: 'caller', kind: 'no_input', startMs: 0, endMs: 1000 });
  });

  it('malformed and unknown frames are logged and dropped; the call goes on', async () => {
    rig = await makeWireRig(['yes']);
    const c = await RawExotel.connect(rig.streamUrl);
    c.sendRaw('this is not json');
    c.sendRaw('{"event":"bogus"}');
    c.sendRaw('[1,2,3]');
    c.begin();
    c.sendRaw(JSON.stringify({ event: 'media', stream_sid: STREAM_SID, media: { payload: '***' } }));
    c.sendRaw(JSON.stringify({ event: 'dtmf', stream_sid: STREAM_SID, dtmf: { digit: 'x' } }));
    await c.untilMark('turn-1');
    c.echoMark('turn-1');
    c.speak(600);
    c.silence(600);
    await c.untilMark('turn-2');
    const dropped = rig.logs.filter((l) => l.message === 'dropped a bad stream frame');
    expect(dropped.map((l) => l.fields?.kind)).toEqual([
      'invalid_json',
      'unknown_event',
      'not_an_object',
      'invalid_frame',
      'invalid_frame',
    ]);
    c.close();
    const detail = await ended(rig, c);
    expect(detail.lines.map((l) => l.text)).toContain('yes');
  });

  it('an LLM bot: the model is streamed, its first token and total time are in the turn metrics', async () => {
    const llm = new FakeLlm([
      {
        text: 'Thank you, I have noted Friday. Goodbye.',
        toolCalls: [
          { name: 'set_disposition', arguments: { disposition: 'promised_to_pay', note: 'Friday' } },
          { name: 'end_call', arguments: { reason: 'done' } },
        ],
      },
    ]);
    rig = await makeWireRig(['I will pay on Friday'], {
      botFile: path.join(repoRoot, 'resources/bots/collections-llm.yaml'),
      llm,
      testVariables: { name: 'Ravi', loan_id: '1 2 3', amount_due: '500 rupees', due_date: 'Friday' },
    });
    const c = await RawExotel.connect(rig.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    c.echoMark('turn-1');
    c.speak(800);
    c.silence(500);
    await c.untilMark('turn-2');
    expect(rig.asr.calls[0]?.options.grammar).toBeUndefined(); // free-form: no grammar
    c.echoMark('turn-2');
    expect(await c.closed).toEqual({ code: 1000, reason: 'bot_hangup' });
    const detail = await ended(rig, c);
    expect(detail.session).toMatchObject({ disposition: 'promised_to_pay', transfer: 'none' });
    const m = detail.metrics[1];
    expect(m?.llmFirstTokenMs).not.toBeNull();
    expect(m?.llmTotalMs).toBeGreaterThanOrEqual(m?.llmFirstTokenMs ?? Infinity);
    expect(detail.metrics[0]?.llmTotalMs).toBeNull(); // the greeting is the bot's text, no model call
    expect(llm.requests).toHaveLength(1);
  });
});
