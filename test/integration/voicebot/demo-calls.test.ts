import fs from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../src/shared/api/events';
import type { CallAttemptInfo, TestCallResult } from '../../../src/shared/telephony';
import type {
  VoicebotRecordingAudio,
  VoicebotSessionDetail,
  VoicebotSessionSummary,
} from '../../../src/shared/voicebot';
import { createCore, MemorySecretStore, type Core } from '../../../src/main/core';
import { decodeWav, rms } from '../../../src/main/core/speech';
import { makeTempDir } from '../../helpers/temp-dir';
import { patient } from './wire-harness';

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

let core: Core;
let cleanup: () => void;
const ended = new Map<string, ApiEvents['voicebot.sessionEnded']>();
const calls = new Map<string, CallAttemptInfo>();
const turnEvents = new Map<string, ApiEvents['voicebot.turn'][]>();
const waiters: (() => void)[] = [];

beforeAll(async () => {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  core = await createCore({
    dataDir: tmp.dir,
    host: 'server',
    secrets: new MemorySecretStore(),
    actor: 'tester',
    version: '0.0.0-test',
    telephony: 'sandbox',
    sandboxTimeScale: 0.05,
    sandboxScript: { callees: Object.values(CALLS).map((c) => callee(c.number, [...c.lines])) },
    voicebot: { session: { noInputMs: 30_000 }, testVariables: patient },
  });
  core.subscribe((event, payload) => {
    if (event === 'voicebot.sessionEnded') {
      const p = payload as ApiEvents['voicebot.sessionEnded'];
      if (p.attemptId) ended.set(p.attemptId, p);
    }
    if (event === 'voicebot.turn') {
      const p = payload as ApiEvents['voicebot.turn'];
      turnEvents.set(p.sessionId, [...(turnEvents.get(p.sessionId) ?? []), p]);
    }
    if (event === 'call.updated') {
      const p = payload as ApiEvents['call.updated'];
      calls.set(p.attempt.id, p.attempt);
    }
    for (const w of waiters.splice(0)) w();
  });
});

afterAll(async () => {
  await core?.stop();
  cleanup?.();
});

async function ok<T>(channel: string, request: unknown): Promise<T> {
  const result = await core.invoke(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

/** Waits for the call to end in the state machine and its voicebot session to be recorded. */
async function finished(attemptId: string): Promise<void> {
  const deadline = Date.now() + 45_000;
  const done = () =>
    ended.has(attemptId) && ['completed', 'failed'].includes(calls.get(attemptId)?.state ?? '');
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`call ${attemptId} did not finish in 45 s`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 200);
      waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

async function converse(
  name: keyof typeof CALLS,
): Promise<{ detail: VoicebotSessionDetail; attemptId: string }> {
  const spec = CALLS[name];
  const placed = await ok<TestCallResult>('telephony.placeTestCall', { number: spec.number, mode: 'flow' });
  expect(placed.outcome.ok).toBe(true);
  const attemptId = placed.attempt.id;
  await finished(attemptId);
  const [session] = await ok<VoicebotSessionSummary[]>('voicebot.sessions', { attemptId });
  if (!session) throw new Error('no voicebot session for the call');
  const detail = await ok<VoicebotSessionDetail>('voicebot.session', { id: session.id });
  return { detail, attemptId };
}

describe('the demo bot completes its conversations with the sandbox offline caller', () => {
  it.each(Object.keys(CALLS) as (keyof typeof CALLS)[])('%s', async (name) => {
    const spec = CALLS[name];
    const { detail, attemptId } = await converse(name);
    const heard = detail.lines.filter((l) => l.speaker === 'caller').map((l) => l.text);
    expect(heard).toEqual(spec.lines);
    expect(detail.session.disposition).toBe(spec.disposition);
    expect(detail.session.attemptId).toBe(attemptId);
    // The renderer saw every transcript line as it happened.
    expect(turnEvents.get(detail.session.id)?.map((e) => e.line)).toEqual(detail.lines);
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

    const callEvents = await ok<{ type: string }[]>('telephony.callEvents', { attemptId });
    const types = callEvents.map((e) => e.type);
    expect(types).toContain('stream_started');
    expect(types).toContain('transfer_decided');
    const attempt = calls.get(attemptId);
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
    const mix = await ok<VoicebotRecordingAudio>('voicebot.recording', {
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
    const served = await core.serveArtifact({ id: mix.artifact.id });
    expect(served.status).toBe(200);
    if (!served.body) throw new Error('no body');
    const bytes = await buffer(served.body);
    expect(bytes.equals(fs.readFileSync(rec.mix))).toBe(true);
    expect(decodeWav(bytes).pcm.length).toBe(caller.pcm.length);
  });
});

describe('recordings through the Api', () => {
  it('names the bad field, and says when a session has no recording', async () => {
    const bad = await core.invoke('voicebot.recording', { sessionId: 'x', channel: 'left' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!bad.ok) expect(bad.error.issues?.map((i) => i.path)).toEqual(['channel']);
    const missing = await core.invoke('voicebot.recording', { sessionId: 'no-such-session', channel: 'mix' });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'Session no-such-session has no recordings (yet).' },
    });
  });
});
