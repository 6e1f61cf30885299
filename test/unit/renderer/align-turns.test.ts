import { describe, expect, it } from 'vitest';
import type { QaRecordedTurn, QaScenarioRunInfo } from '../../../src/shared/qa';
import {
  alignTurns,
  conversationFailures,
  rowDifference,
  turnStartMs,
} from '../../../src/renderer/src/components/qa/align-turns';

const turn = (over: Partial<QaRecordedTurn> & Pick<QaRecordedTurn, 'index'>): QaRecordedTurn => ({
  step: over.index === 0 ? null : over.index - 1,
  action: over.index === 0 ? 'greeting' : 'say',
  callerText: null,
  callerStartMs: null,
  callerEndMs: null,
  bargeIn: false,
  botStartMs: null,
  botEndMs: null,
  botClearedMs: null,
  botTextReported: null,
  marks: [],
  ...over,
});

const run = (
  id: string,
  caller: 'human' | 'synthetic' | 'llm',
  turns: QaRecordedTurn[],
): QaScenarioRunInfo => ({
  id,
  runId: 'r1',
  scenarioFile: 'cancel.yaml',
  scenarioName: 'Cancel',
  caller,
  repeat: 0,
  seed: 1,
  verdict: 'failed',
  endReason: 'bot_hangup',
  error: null,
  durationMs: 20_000,
  wallMs: 500,
  disposition: null,
  transfer: null,
  variables: {},
  turns,
  evaluation: null,
  callerAudio: 'a1',
  botAudio: 'a2',
});

describe('aligning two runs of a scenario turn by turn', () => {
  it('pairs the greeting and each step, whatever the timing, and plays each run from its own offset', () => {
    const human = run('h', 'human', [
      turn({ index: 0, botStartMs: 400, botEndMs: 3_000 }),
      turn({ index: 1, callerStartMs: 3_600, callerEndMs: 5_200, botStartMs: 6_000, botEndMs: 8_000 }),
      turn({ index: 2, callerStartMs: 9_100, callerEndMs: 10_000, botStartMs: 10_700, botEndMs: 12_000 }),
    ]);
    const synthetic = run('s', 'synthetic', [
      turn({ index: 0, botStartMs: 400, botEndMs: 3_000 }),
      turn({ index: 1, callerStartMs: 3_300, callerEndMs: 4_100, botStartMs: 4_800, botEndMs: 6_900 }),
    ]);
    synthetic.evaluation = {
      outcome: 'fail',
      failures: [
        { kind: 'expectation', turn: 1, expectation: 'says.contains "cancelled"', actual: 'see you' },
        { kind: 'timeout', expectation: 'max_duration_s 300', actual: 'cut at 300 s' },
      ],
      judged: [{ turn: 1, criterion: 'polite', verdict: 'pass', reasoning: 'thanked the caller' }],
      turns: [
        {
          index: 1,
          botText: 'see you',
          callerText: 'cancel it',
          latencyMs: 700,
          talkOverMs: 0,
          outcome: 'fail',
        },
      ],
      metrics: { latencyMs: [700], longSilences: 0, longestSilenceMs: 700, talkOvers: 0 },
    };

    const rows = alignTurns(human, synthetic);
    expect(rows.map((r) => [r.label, r.left?.turn.index ?? null, r.right?.turn.index ?? null])).toEqual([
      ['Greeting', 0, 0],
      ['Step 1', 1, 1],
      // The synthetic run ended before step 2: the row keeps its place with a gap.
      ['Step 2', 2, null],
    ]);
    expect(rows.map((r) => [r.left?.playFromS ?? null, r.right?.playFromS ?? null])).toEqual([
      [0, 0],
      [3.6, 3.3],
      [9.1, null],
    ]);
    const step1 = rows[1]?.right;
    expect(step1?.failures.map((f) => f.kind)).toEqual(['expectation']);
    expect(step1?.judgements.map((j) => j.verdict)).toEqual(['pass']);
    expect(step1?.score?.latencyMs).toBe(700);
    expect(rows[1]?.left?.failures).toEqual([]);
    expect(conversationFailures(synthetic).map((f) => f.kind)).toEqual(['timeout']);
    expect(conversationFailures(human)).toEqual([]);
  });

  it('pairs LLM turns by their place in the conversation, after the scripted steps', () => {
    const a = run('a', 'llm', [
      turn({ index: 0, botStartMs: 100 }),
      turn({ index: 2, step: null, action: 'llm', callerStartMs: 5_000 }),
      turn({ index: 1, step: null, action: 'llm', callerStartMs: 2_000 }),
    ]);
    const b = run('b', 'synthetic', [turn({ index: 0 }), turn({ index: 1, callerStartMs: 1_500 })]);
    expect(
      alignTurns(a, b).map((r) => [r.key, r.left?.turn.index ?? null, r.right?.turn.index ?? null]),
    ).toEqual([
      ['greeting', 0, 0],
      ['step:0', null, 1],
      ['turn:1', 1, null],
      ['turn:2', 2, null],
    ]);
  });

  it('a turn without caller audio (DTMF) starts where the bot starts', () => {
    expect(turnStartMs(turn({ index: 3, action: 'dtmf', botStartMs: 7_250 }))).toBe(7_250);
    expect(turnStartMs(turn({ index: 3, callerStartMs: 7_000, botStartMs: 6_900, bargeIn: true }))).toBe(
      6_900,
    );
  });

  it('says how the right run differs from the left on each turn both have', () => {
    const base = (id: string, bot: string, latency: number, outcome: 'pass' | 'fail') => {
      const r = run(id, 'synthetic', [
        turn({ index: 0 }),
        turn({ index: 1, callerStartMs: 1000 }),
        turn({ index: 2 }),
      ]);
      r.evaluation = {
        outcome,
        failures:
          outcome === 'fail' ? [{ kind: 'expectation', turn: 1, expectation: 'says', actual: bot }] : [],
        judged: [],
        turns: [{ index: 1, botText: bot, callerText: 'cancel', latencyMs: latency, talkOverMs: 0, outcome }],
        metrics: { latencyMs: [latency], longSilences: 0, longestSilenceMs: 0, talkOvers: 0 },
      };
      return r;
    };
    const a = base('a', 'Your appointment is cancelled.', 700, 'pass');
    const same = alignTurns(a, base('b', 'your appointment is  cancelled', 950, 'pass'));
    expect(rowDifference(same[1]!)).toEqual({
      latencyDeltaMs: 250,
      botTextDiffers: false,
      verdictDiffers: false,
    });
    const other = alignTurns(a, base('c', 'See you on Monday', 600, 'fail'));
    expect(rowDifference(other[1]!)).toEqual({
      latencyDeltaMs: -100,
      botTextDiffers: true,
      verdictDiffers: true,
    });
    // Turns without a latency on both sides have no delta.
    expect(rowDifference(other[0]!)?.latencyDeltaMs).toBeNull();
    const shorter = alignTurns(a, run('d', 'human', [turn({ index: 0 })]));
    expect(rowDifference(shorter[1]!)).toBeNull();
  });
});
