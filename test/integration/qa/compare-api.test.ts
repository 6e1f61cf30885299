import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QaRunDetail, QaUpdatedEvent } from '../../../src/shared/qa';
import type { QaCompareRunsResult, QaCompareSuiteResult } from '../../../src/shared/qa-compare';
import { DATA_TOOL, type Core } from '../../../src/main/core';
import { faultyBots } from '../../fixtures/bots';
import { ok } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';

// Compare through the Api on real runs: the suite against the demo bot (the baseline), then against
// a bot that takes "cancel" as a confirmation.

let core: Core;
let dir: string;
let cleanup: () => Promise<void>;
let suiteDir: string;
const SAMPLE = path.resolve(__dirname, '../../../resources/qa/appointment');

/** Runs the suite to its end and returns the run. */
async function runSuite(request: Record<string, unknown>): Promise<QaRunDetail> {
  let stop = () => {};
  const finished = new Promise<void>((resolve) => {
    stop = core.subscribe((event, payload) => {
      if (event === 'qa.updated' && (payload as QaUpdatedEvent).state !== 'running') resolve();
    });
  });
  const started = ok<{ runId: string }>(await core.invoke('qa.run', { dir: suiteDir, ...request }));
  await finished;
  stop();
  return ok<QaRunDetail>(await core.invoke('qa.runDetail', { runId: started.runId }));
}

beforeAll(async () => {
  ({ core, dir, cleanup } = await makeTestCore({ profile: DATA_TOOL }));
  suiteDir = path.join(dir, 'qa', 'suites', 'compare');
  await fs.mkdir(suiteDir, { recursive: true });
  for (const f of ['confirm.yaml', 'cancel.yaml', 'wrong-number.yaml'])
    await fs.copyFile(path.join(SAMPLE, f), path.join(suiteDir, f));
  // The faulty bot joins the user's bots (loaded on the first run).
  await fs.mkdir(path.join(dir, 'bots'), { recursive: true });
  await fs.copyFile(faultyBots.ignoresCancel.file, path.join(dir, 'bots', 'ignores-cancel.yaml'));
}, 60_000);

afterAll(async () => {
  await cleanup?.();
});

describe('qa.compareRuns and qa.compareSuite', () => {
  it('finds the regression, the fix and the scenarios missing from either run, and diffs two runs turn by turn', async () => {
    const baseline = await runSuite({ callers: ['synthetic'], only: ['confirm.yaml', 'cancel.yaml'] });
    expect(baseline.scenarios.map((s) => [s.scenarioFile, s.verdict])).toEqual([
      ['cancel.yaml', 'passed'],
      ['confirm.yaml', 'passed'],
    ]);
    const current = await runSuite({
      callers: ['synthetic'],
      bot: 'faulty-ignores-cancel',
      only: ['cancel.yaml', 'wrong-number.yaml'],
    });
    expect(current.bot).toBe('faulty-ignores-cancel');

    const suite = ok<QaCompareSuiteResult>(
      await core.invoke('qa.compareSuite', { runId: current.id, baselineRunId: baseline.id }),
    );
    expect(suite.baseline.id).toBe(baseline.id);
    expect(suite.current.id).toBe(current.id);
    expect(suite.comparison.regressions).toEqual([
      {
        scenario: 'cancel.yaml',
        caller: 'synthetic',
        baseline: 'pass',
        current: 'fail',
        kinds: ['expectation'],
      },
    ]);
    expect(suite.comparison.fixes).toEqual([]);
    expect(suite.comparison.onlyInBaseline).toEqual([{ scenario: 'confirm.yaml', caller: 'synthetic' }]);
    expect(suite.comparison.onlyInCurrent).toEqual([{ scenario: 'wrong-number.yaml', caller: 'synthetic' }]);
    // The other way round the same change is a fix.
    const reversed = ok<QaCompareSuiteResult>(
      await core.invoke('qa.compareSuite', { runId: baseline.id, baselineRunId: current.id }),
    );
    expect(reversed.comparison.fixes.map((c) => c.scenario)).toEqual(['cancel.yaml']);
    expect(reversed.comparison.regressions).toEqual([]);

    // The cancel scenario, demo bot vs faulty bot, turn by turn.
    const a = baseline.scenarios.find((s) => s.scenarioFile === 'cancel.yaml');
    const b = current.scenarios.find((s) => s.scenarioFile === 'cancel.yaml');
    const runs = ok<QaCompareRunsResult>(await core.invoke('qa.compareRuns', { a: a?.id, b: b?.id }));
    expect(runs.a.id).toBe(a?.id);
    expect(runs.b.runId).toBe(current.id);
    expect(runs.comparison.outcomeA).toBe('pass');
    expect(runs.comparison.outcomeB).toBe('fail');
    expect(runs.comparison.sameWords).toBe(false);
    // The greeting is the same words; the reply to "cancel" is not, and its verdict changed.
    const [greeting, , cancelTurn] = runs.comparison.turns;
    expect(greeting?.botDiff.every((d) => d.op === 'same')).toBe(true);
    expect(cancelTurn?.a?.callerText).toBe('cancel');
    expect(cancelTurn?.botDiff.some((d) => d.op === 'removed' && /cancel/i.test(d.text))).toBe(true);
    expect(cancelTurn?.botDiff.some((d) => d.op === 'added')).toBe(true);
    expect(cancelTurn?.verdictChanged).toBe(true);
    expect(typeof cancelTurn?.latencyDeltaMs).toBe('number');

    // Unknown ids are named.
    const missing = await core.invoke('qa.compareRuns', { a: a?.id, b: 'nope' });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'No QA scenario run nope' },
    });
    const noRun = await core.invoke('qa.compareSuite', { runId: current.id, baselineRunId: 'nope' });
    expect(noRun).toMatchObject({ ok: false, error: { code: 'not_found' } });
  }, 180_000);
});
