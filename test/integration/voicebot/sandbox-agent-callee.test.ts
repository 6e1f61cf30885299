import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalleeScript } from '../../../src/main/core';
import { repoRoot } from '../../fixtures/demo-bot';
import { SandboxCallRig } from './sandbox-call-rig';

// Found in an operator's rehearsal: the bundled sandbox's "asks for a person" callee (both bundled
// callee scripts say "I would like to talk to a person please") was heard by the bundled bot as "i am
// busy right now" and promised a call back, so a transfer to an agent never happened in the sandbox.
// The bundled script, the bundled bot and the offline recogniser must agree.

const AGENT_CALLER = '+919800000100';
let rig: SandboxCallRig;

beforeAll(async () => {
  rig = await SandboxCallRig.open(
    loadCalleeScript(path.join(repoRoot, 'resources', 'sandbox', 'callees.yaml')),
  );
});

afterAll(async () => {
  await rig?.close();
});

const heard = (c: { detail: { lines: { speaker: string; text: string }[] } }) =>
  `the bot heard: ${c.detail.lines
    .filter((l) => l.speaker === 'caller')
    .map((l) => l.text)
    .join(' | ')}`;

describe("the bundled sandbox's caller who asks for a person", () => {
  it('is handed to an agent by the bundled bot', async () => {
    const call = await rig.call(AGENT_CALLER, { ms: 60_000 });
    expect(call.session.disposition, heard(call)).toBe('transferred');
    expect(call.session.transfer).toBe('agent');
  }, 90_000);

  it('is the only one: the default callee ("Hello, who is this?", then "Yes, I can talk now") is not', async () => {
    const call = await rig.call('+919811112222', { ms: 60_000 });
    expect(call.session.transfer, heard(call)).not.toBe('agent');
  }, 90_000);
});
