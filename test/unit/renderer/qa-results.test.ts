import { describe, expect, it } from 'vitest';
import type { QaFailureKind, QaScenarioRunInfo } from '../../../src/shared/qa';
import { defaultPair, groupResults } from '../../../src/renderer/src/components/qa/results';

let n = 0;
const run = (
  scenarioFile: string,
  caller: QaScenarioRunInfo['caller'],
  repeat: number,
  verdict: QaScenarioRunInfo['verdict'],
  kinds: QaFailureKind[] = [],
): QaScenarioRunInfo => ({
  id: `sr${++n}`,
  runId: 'r1',
  scenarioFile,
  scenarioName: scenarioFile.replace('.yaml', ''),
  caller,
  repeat,
  seed: 1,
  verdict,
  endReason: 'bot_hangup',
  error: null,
  durationMs: 1000,
  wallMs: 10,
  disposition: null,
  transfer: null,
  variables: {},
  turns: [],
  evaluation:
    verdict === 'pending'
      ? null
      : {
          outcome: verdict === 'passed' ? 'pass' : verdict === 'failed' ? 'fail' : 'no_verdict',
          failures: kinds.map((kind) => ({ kind, turn: 1, expectation: 'e', actual: 'a' })),
          judged: [],
          turns: [],
          metrics: { latencyMs: [], longSilences: 0, longestSilenceMs: 0, talkOvers: 0 },
        },
  callerAudio: null,
  botAudio: null,
});

describe('the QA results table', () => {
  it('groups repeats per scenario and caller, counts verdicts, lists failure kinds once and marks flaky groups', () => {
    const rows = groupResults([
      run('cancel.yaml', 'synthetic', 2, 'failed', ['expectation', 'latency']),
      run('cancel.yaml', 'synthetic', 1, 'passed'),
      run('cancel.yaml', 'synthetic', 3, 'failed', ['latency']),
      run('cancel.yaml', 'human', 1, 'failed', ['talk_over']),
      run('agent.yaml', 'synthetic', 1, 'no_verdict'),
      run('agent.yaml', 'synthetic', 2, 'pending'),
    ]);
    expect(
      rows.map((g) => [
        g.scenarioFile,
        g.caller,
        g.runs.map((r) => r.repeat),
        g.passed,
        g.failed,
        g.failureKinds,
        g.flaky,
      ]),
    ).toEqual([
      ['agent.yaml', 'synthetic', [1, 2], 0, 0, [], false],
      ['cancel.yaml', 'human', [1], 0, 1, ['talk_over'], false],
      ['cancel.yaml', 'synthetic', [1, 2, 3], 1, 2, ['expectation', 'latency'], true],
    ]);
  });

  it('pairs a human run with a synthetic run of the scenario, a failed one first', () => {
    const runs = [
      run('cancel.yaml', 'synthetic', 1, 'passed'),
      run('cancel.yaml', 'synthetic', 2, 'failed', ['expectation']),
      run('cancel.yaml', 'human', 1, 'passed'),
      run('other.yaml', 'human', 1, 'failed'),
    ];
    expect(defaultPair(runs, 'cancel.yaml').map((r) => [r.caller, r.repeat])).toEqual([
      ['human', 1],
      ['synthetic', 2],
    ]);
    expect(defaultPair([runs[0]!, runs[1]!], 'cancel.yaml').map((r) => r.repeat)).toEqual([1, 2]);
  });
});
