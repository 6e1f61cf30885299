import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  QaRunDetail,
  QaRunSummary,
  QaSuiteDetail,
  QaSuiteSummary,
  QaUpdatedEvent,
} from '../../../src/shared/qa';
import { DATA_TOOL, type Core } from '../../../src/main/core';
import { makeTestCore } from '../../helpers/core';

let core: Core;
let dir: string;
let cleanup: () => Promise<void>;
let suiteDir: string;

async function call<T>(channel: string, request: unknown): Promise<T> {
  const r = await core.invoke(channel, request);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  ({ core, dir, cleanup } = await makeTestCore({ profile: DATA_TOOL }));
  suiteDir = path.join(dir, 'qa', 'suites', 'smoke');
  await fs.mkdir(suiteDir, { recursive: true });
  await fs.writeFile(
    path.join(suiteDir, 'wrong-number.yaml'),
    'name: Wrong number\nvariables: { name: Asha Rao }\nsteps:\n  - say: no\n    expect: { says: Sorry for the trouble }\nexpect: { disposition: wrong_person, hangup_by: bot }\n',
  );
  await fs.writeFile(
    path.join(suiteDir, 'broken.yaml'),
    'name: Broken\nsteps:\n  - say: yes\n    barge_in_ms: soon\n',
  );
}, 60_000);

afterAll(async () => {
  await cleanup?.();
});

describe('the QA Api through core.invoke (a core with no voicebot of its own)', () => {
  it("lists the bundled suite and the data folder's, shows a suite's problems by line, runs a suite as a job and reads it back", async () => {
    const { suites } = await call<{ suites: QaSuiteSummary[] }>('qa.suites', {});
    expect(suites.find((s) => s.name === 'appointment')).toMatchObject({
      source: 'bundled',
      scenarios: 9,
      invalid: 0,
    });
    expect(suites.find((s) => s.name === 'smoke')).toMatchObject({
      source: 'user',
      scenarios: 2,
      invalid: 1,
    });

    const suite = await call<QaSuiteDetail>('qa.suite', { dir: suiteDir });
    expect(suite.items.find((i) => i.file === 'broken.yaml')?.problems).toEqual([
      expect.objectContaining({ line: 4, field: 'steps[0].barge_in_ms' }),
    ]);
    await expect(call('qa.suite', { dir: path.join(dir, 'nowhere') })).rejects.toThrow(/^not_found: /);

    const updates: QaUpdatedEvent[] = [];
    const finished = new Promise<void>((resolve) => {
      core.subscribe((event, payload) => {
        if (event !== 'qa.updated') return;
        const u = payload as QaUpdatedEvent;
        updates.push(u);
        if (u.state !== 'running') resolve();
      });
    });
    const started = await call<{ runId: string; jobId: string }>('qa.run', { dir: suiteDir, repeat: 2 });
    await finished;
    expect(updates.at(-1)).toMatchObject({ runId: started.runId, state: 'finished', done: 2, total: 2 });

    const { runs } = await call<{ runs: QaRunSummary[] }>('qa.runs', {});
    expect(runs[0]).toMatchObject({
      id: started.runId,
      jobId: started.jobId,
      suiteName: 'smoke',
      bot: 'appointment-reminder',
    });
    expect(runs[0]?.counts.passed).toBe(2);
    const detail = await call<QaRunDetail>('qa.runDetail', { runId: started.runId });
    expect(
      detail.scenarios.map((s) => [s.scenarioFile, s.caller, s.repeat, s.verdict, s.disposition]),
    ).toEqual([
      ['wrong-number.yaml', 'synthetic', 1, 'passed', 'wrong_person'],
      ['wrong-number.yaml', 'synthetic', 2, 'passed', 'wrong_person'],
    ]);
    expect(detail.scenarios[0]?.callerAudio).toMatch(/^[0-9a-f-]{36}$/);
    await expect(call('qa.runDetail', { runId: 'nope' })).rejects.toThrow(/^not_found: /);
  }, 120_000);
});
