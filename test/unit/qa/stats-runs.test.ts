import { describe, expect, it } from 'vitest';
import type { QaScenarioRunInfo, QaVerdict } from '../../../src/shared/qa';
import { compareSuite, summariseRuns, toComparable } from '../../../src/main/core/qa/stats';

const info = (
  scenarioFile: string,
  caller: 'synthetic' | 'human',
  repeat: number,
  verdict: QaVerdict,
): QaScenarioRunInfo => ({
  id: `${scenarioFile}-${caller}-${repeat}`,
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
  turns: [
    {
      index: 0,
      step: null,
      action: 'greeting',
      callerText: null,
      callerStartMs: null,
      callerEndMs: null,
      bargeIn: false,
      botStartMs: 0,
      botEndMs: 900,
      botClearedMs: null,
      botTextReported: 'Hello (as the bot recorded it)',
      marks: [],
    },
  ],
  evaluation:
    verdict === 'pending'
      ? null
      : {
          outcome: verdict === 'passed' ? 'pass' : verdict === 'failed' ? 'fail' : 'no_verdict',
          failures:
            verdict === 'failed'
              ? [{ kind: 'latency', turn: 0, expectation: 'within_ms: 1', actual: '2' }]
              : [],
          judged: [],
          turns: [
            {
              index: 0,
              callerText: '',
              botText: 'hello (as heard)',
              latencyMs: 700,
              talkOverMs: 0,
              outcome: 'pass',
            },
          ],
          metrics: { latencyMs: [700], longSilences: 0, longestSilenceMs: 0, talkOvers: 0 },
        },
  callerAudio: null,
  botAudio: null,
});

describe('stored runs in the statistics', () => {
  it('summarises each scenario × caller over its repeats; a pending run is never a pass', () => {
    const s = summariseRuns([
      info('cancel.yaml', 'synthetic', 1, 'failed'),
      info('cancel.yaml', 'synthetic', 0, 'passed'),
      info('cancel.yaml', 'human', 0, 'passed'),
      info('agent.yaml', 'synthetic', 0, 'pending'),
    ]);
    expect(
      s.map((x) => [x.scenarioFile, x.caller, x.rates.passes, x.rates.runs, x.rates.flaky, x.rates.passHatK]),
    ).toEqual([
      ['agent.yaml', 'synthetic', 0, 0, false, false],
      ['cancel.yaml', 'human', 1, 1, false, true],
      ['cancel.yaml', 'synthetic', 1, 2, true, false],
    ]);
  });

  it('compares what was heard (the evaluation) before what the bot recorded', () => {
    const c = toComparable(info('cancel.yaml', 'synthetic', 0, 'failed'));
    expect(c).toEqual({
      scenario: 'cancel.yaml',
      caller: 'synthetic',
      repeat: 0,
      outcome: 'fail',
      failureKinds: ['latency'],
      turns: [{ index: 0, callerText: '', botText: 'hello (as heard)', latencyMs: 700, outcome: 'pass' }],
    });
    expect(toComparable(info('x.yaml', 'human', 0, 'pending')).turns[0]).toEqual({
      index: 0,
      callerText: '',
      botText: 'Hello (as the bot recorded it)',
      outcome: 'no_verdict',
    });
    const base = [info('cancel.yaml', 'synthetic', 0, 'passed')].map(toComparable);
    const now = [info('cancel.yaml', 'synthetic', 0, 'failed')].map(toComparable);
    expect(compareSuite(base, now).regressions).toEqual([
      { scenario: 'cancel.yaml', caller: 'synthetic', baseline: 'pass', current: 'fail', kinds: ['latency'] },
    ]);
  });
});
