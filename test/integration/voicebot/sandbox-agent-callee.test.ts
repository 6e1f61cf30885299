import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../src/shared/api/events';
import type { CallAttemptInfo, TestCallResult } from '../../../src/shared/telephony';
import type { VoicebotSessionDetail, VoicebotSessionSummary } from '../../../src/shared/voicebot';
import { createCore, loadCalleeScript, MemorySecretStore, type Core } from '../../../src/main/core';
import { repoRoot } from '../../fixtures/demo-bot';
import { makeTempDir } from '../../helpers/temp-dir';
import { patient } from './wire-harness';

// Found in an operator's rehearsal: the bundled sandbox's "asks for a person" callee (both bundled
// callee scripts say "I would like to talk to a person please") was heard by the bundled bot as "i am
// busy right now" and promised a call back, so a transfer to an agent never happened in the sandbox.
// The bundled script, the bundled bot and the offline recogniser must agree.

const AGENT_CALLER = '+919800000100';
let core: Core;
let cleanup: () => void;
const ended = new Map<string, ApiEvents['voicebot.sessionEnded']>();
const calls = new Map<string, CallAttemptInfo>();

beforeAll(async () => {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  const script = loadCalleeScript(path.join(repoRoot, 'resources', 'sandbox', 'callees.yaml'));
  core = await createCore({
    dataDir: tmp.dir,
    host: 'server',
    secrets: new MemorySecretStore(),
    actor: 'tester',
    version: '0.0.0-test',
    telephony: 'sandbox',
    sandboxTimeScale: 0.05,
    sandboxScript: script,
    voicebot: { testVariables: patient },
  });
  core.subscribe((event, payload) => {
    if (event === 'voicebot.sessionEnded') {
      const p = payload as ApiEvents['voicebot.sessionEnded'];
      if (p.attemptId) ended.set(p.attemptId, p);
    }
    if (event === 'call.updated') {
      const p = payload as ApiEvents['call.updated'];
      calls.set(p.attempt.id, p.attempt);
    }
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

describe("the bundled sandbox's caller who asks for a person", () => {
  it('is handed to an agent by the bundled bot', async () => {
    const placed = await ok<TestCallResult>('telephony.placeTestCall', {
      number: AGENT_CALLER,
      mode: 'flow',
    });
    const attemptId = placed.attempt.id;
    const deadline = Date.now() + 60_000;
    while (!ended.has(attemptId)) {
      if (Date.now() > deadline) throw new Error('the bot session did not end in 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [session] = await ok<VoicebotSessionSummary[]>('voicebot.sessions', { attemptId });
    if (!session) throw new Error('no voicebot session');
    const detail = await ok<VoicebotSessionDetail>('voicebot.session', { id: session.id });
    const heard = detail.lines.filter((l) => l.speaker === 'caller').map((l) => l.text);
    expect(session.disposition, `the bot heard: ${heard.join(' | ')}`).toBe('transferred');
    expect(session.transfer).toBe('agent');
  }, 90_000);

  it('is the only one: the default callee ("Hello, who is this?", then "Yes, I can talk now") is not', async () => {
    const placed = await ok<TestCallResult>('telephony.placeTestCall', {
      number: '+919811112222',
      mode: 'flow',
    });
    const attemptId = placed.attempt.id;
    const deadline = Date.now() + 60_000;
    while (!ended.has(attemptId)) {
      if (Date.now() > deadline) throw new Error('the bot session did not end in 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [session] = await ok<VoicebotSessionSummary[]>('voicebot.sessions', { attemptId });
    if (!session) throw new Error('no voicebot session');
    const detail = await ok<VoicebotSessionDetail>('voicebot.session', { id: session.id });
    const heard = detail.lines.filter((l) => l.speaker === 'caller').map((l) => l.text);
    expect(session.transfer, `the bot heard: ${heard.join(' | ')}`).not.toBe('agent');
  }, 90_000);
});
