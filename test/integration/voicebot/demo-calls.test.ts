import fs from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoicebotRecordingAudio } from '../../../src/shared/voicebot';
import { decodeWav, rms } from '../../../src/main/core/speech';
import { SandboxCallRig, type PlacedCall } from './sandbox-call-rig';

// The demo bot against the sandbox's offline caller, through the whole app: a test call is placed
// (flow mode: passthru → voicebot → passthru), the sandbox's callee speaks its lines with flite, the
// voicebot hears them through fvad and soundswallower, and answers with flite. The sandbox runs 20×
// faster than real time; every timing in the pipeline is media time, so the conversation is the same.

const PAUSE = 20; // seconds of silence after each caller line: longer than any prompt of the demo bot

const callee = (number: string, lines: string[]) => ({
  number,
  ringSec: 1,
  says: [{ silenceSec: 8 }, ...lines.flatMap((say) => [{ say }, { silenceSec: PAUSE }])],
});

const CALLS = {
  confirm: { number: '+919800000101', lines: ['yes', 'confirm'], disposition: 'confirmed' },
  cancel: { number: '+919800000102', lines: ['yes', 'cancel it', 'yes'], disposition: 'cancelled' },
  reschedule: {
    number: '+919800000103',
    lines: ['yes', 'change', 'next friday', 'yes'],
    disposition: 'rescheduled',
  },
  transfer: { number: '+919800000104', lines: ['talk to someone'], disposition: 'transferred' },
} as const;

let rig: SandboxCallRig;

beforeAll(async () => {
  rig = await SandboxCallRig.open(
    { callees: Object.values(CALLS).map((c) => callee(c.number, [...c.lines])) },
    { session: { noInputMs: 30_000 } },
  );
});

afterAll(async () => {
  await rig?.close();
});

/** Places the call and waits (45 s at most) for it to end and its voicebot session to be recorded. */
async function converse(name: keyof typeof CALLS): Promise<PlacedCall> {
  const call = await rig.call(CALLS[name].number, { ms: 45_000, callEnded: true });
  expect(call.placed.outcome.ok).toBe(true);
  return call;
}

describe('the demo bot completes its conversations with the sandbox offline caller', () => {
  it.each(Object.keys(CALLS) as (keyof typeof CALLS)[])('%s', async (name) => {
    const spec = CALLS[name];
    const { detail, attemptId, attempt } = await converse(name);
    const heard = detail.lines.filter((l) => l.speaker === 'caller').map((l) => l.text);
    expect(heard).toEqual(spec.lines);
    expect(detail.session.disposition).toBe(spec.disposition);
    expect(detail.session.attemptId).toBe(attemptId);
    // The renderer saw every transcript line as it happened.
    expect(rig.turnEvents(detail.session.id)?.map((e) => e.line)).toEqual(detail.lines);
    const bot = detail.lines.filter((l) => l.speaker === 'bot');
    expect(bot.at(-1)?.interrupted).toBe(false); // the last line played to the end
    for (const l of detail.lines) expect(l.endMs).toBeGreaterThanOrEqual(l.startMs);

    const speechTurns = detail.metrics.filter((m) => m.input === 'speech');
    expect(speechTurns).toHaveLength(spec.lines.length);
    for (const m of speechTurns) {
      expect(m.endpointingMs).toBeGreaterThanOrEqual(300);
      expect(m.asrMs).not.toBeNull();
      // A reply the caller talked over before it began (a heavily loaded machine) has no audio.
      if (m.botAudioMs > 0) expect(m.voiceToVoiceMs).toBeGreaterThan(m.endpointingMs ?? 0);
      else expect(m.voiceToVoiceMs).toBeNull();
    }
    expect(speechTurns.some((m) => m.voiceToVoiceMs !== null)).toBe(true);

    const callEvents = await rig.ok<{ type: string }[]>('telephony.callEvents', { attemptId });
    const types = callEvents.map((e) => e.type);
    expect(types).toContain('stream_started');
    expect(types).toContain('transfer_decided');
    if (name === 'transfer') {
      expect(detail.session).toMatchObject({ transfer: 'agent', endReason: 'transfer' });
      expect(attempt?.transferDecision).toBe('agent');
      expect(types).toContain('agent_transfer'); // the post-bot passthru answered 302
    } else {
      expect(detail.session).toMatchObject({ transfer: 'none', endReason: 'bot_hangup' });
      expect(attempt?.transferDecision).toBe('none');
      expect(types).not.toContain('agent_transfer');
    }

    const rec = detail.recordings;
    if (!rec) throw new Error('no recordings');
    const caller = decodeWav(fs.readFileSync(rec.caller));
    const botAudio = decodeWav(fs.readFileSync(rec.bot));
    expect(caller.pcm.length).toBe(botAudio.pcm.length);
    expect(rms(caller.pcm)).toBeGreaterThan(0); // flite really spoke
    expect(rms(botAudio.pcm)).toBeGreaterThan(0);

    // The app plays the recording through the Api: the very bytes of the stored stereo mix.
    const mix = await rig.ok<VoicebotRecordingAudio>('voicebot.recording', {
      sessionId: detail.session.id,
      channel: 'mix',
    });
    // The reply names an artifact (no bytes in it); its stream is the very file.
    expect(mix.artifact).toMatchObject({
      kind: 'recording',
      mime: 'audio/wav',
      size: fs.statSync(rec.mix).size,
    });
    expect(JSON.stringify(mix).length).toBeLessThan(1000);
    const served = await rig.core.serveArtifact({ id: mix.artifact.id });
    expect(served.status).toBe(200);
    if (!served.body) throw new Error('no body');
    const bytes = await buffer(served.body);
    expect(bytes.equals(fs.readFileSync(rec.mix))).toBe(true);
    expect(decodeWav(bytes).pcm.length).toBe(caller.pcm.length);
  });
});

describe('recordings through the Api', () => {
  it('names the bad field, and says when a session has no recording', async () => {
    const bad = await rig.core.invoke('voicebot.recording', { sessionId: 'x', channel: 'left' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!bad.ok) expect(bad.error.issues?.map((i) => i.path)).toEqual(['channel']);
    const missing = await rig.core.invoke('voicebot.recording', {
      sessionId: 'no-such-session',
      channel: 'mix',
    });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'Session no-such-session has no recordings (yet).' },
    });
  });
});
