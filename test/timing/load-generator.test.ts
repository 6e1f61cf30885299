import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  callerAudio,
  type BotReply,
  type TurnResult,
  runLoad,
  startFixedDelayBot,
  summarise,
  type FixedDelayBot,
  type LoadMode,
  type LoadPlan,
} from '../../bench/voicebot/loadgen';
import { repoRoot } from '../fixtures/demo-bot';
import { makeTempDir } from '../helpers/temp-dir';

// The load generator's voice-to-voice is proved against a bot whose delay is known: it answers 300 ms
// after the caller's last loud frame reached it. The generator runs as it does in the benchmark (its own
// child process, real time, flite-made caller lines), and must read that delay back within ±20 ms
// for every line of every call.

const DELAY_MS = 300;
const TOLERANCE_MS = 20;

let lines: string[] = [];
const audioDir = makeTempDir('calldeck-loadgen-');
beforeAll(async () => {
  lines = await callerAudio(['yes', 'change it', 'next friday'], audioDir.dir);
});
afterAll(() => audioDir.cleanup());

let bot: FixedDelayBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

type Line = { t: TurnResult; r: BotReply | undefined };
const fmt = (w: Line | undefined, f: (w: Line) => number) => (w ? f(w).toFixed(1) : '—');

function plan(url: string, calls: number, mode: LoadMode): LoadPlan {
  return {
    url,
    calls,
    mode,
    seed: 7,
    rampMs: 1000,
    thinkMs: { min: 200, max: 900 },
    turns: lines,
    maxWaitMs: 5000,
    callSidPrefix: `proof-${calls}`,
    hangupAfterLastReply: true,
  };
}

describe('load generator voice-to-voice against a bot with a known 300 ms delay', () => {
  for (const [calls, mode] of [
    [1, 'staggered'],
    [5, 'staggered'],
    [5, 'worst_case'],
  ] as const) {
    it(`N=${calls} ${mode}: every line of every call reads ${DELAY_MS} ± ${TOLERANCE_MS} ms`, async () => {
      bot = await startFixedDelayBot({ delayMs: DELAY_MS });
      const report = await runLoad(plan(bot.url, calls, mode), 40_000);
      const s = summarise(report);

      expect(s.failedCalls, s.firstError).toBe(0);
      expect(report.calls.map((c) => c.turns.length)).toEqual(Array(calls).fill(lines.length));
      expect(s.unanswered).toBe(0);
      expect(s.voiceToVoice).toHaveLength(calls * lines.length);
      // The truth is the delay the bot really kept for that line (its timer may fire a little late on
      // a busy machine), compared call by call, line by line.
      const lines3 = report.calls.flatMap((c) => {
        const replies = bot?.replies.get(`call-${c.index}`) ?? [];
        expect(replies).toHaveLength(lines.length);
        return c.turns.map((t, i) => ({ t, r: replies[i] }));
      });
      const off = lines3.map(({ t, r }) => Math.abs((t.voiceToVoiceMs ?? NaN) - (r?.keptMs ?? NaN)));
      expect(off).toHaveLength(calls * lines.length);
      const kept = lines3.map(({ r }) => r?.keptMs ?? NaN);
      const worst = lines3[off.indexOf(Math.max(...off))];
      console.log(
        `N=${calls} ${mode}: measured − truth max ${Math.max(...off).toFixed(1)} ms ` +
          `(its last loud frame: sent ${fmt(worst, (w) => w.t.lastLoudSentAbs - w.t.lastLoudDueAbs)} ms late, ` +
          `seen by the bot ${fmt(worst, (w) => (w.r?.lastLoudArrivedAbs ?? NaN) - w.t.lastLoudSentAbs)} ms after; ` +
          `reply received ${fmt(worst, (w) => w.t.lastLoudDueAbs + (w.t.voiceToVoiceMs ?? NaN) - (w.r?.sentAbs ?? NaN))} ms after sent); ` +
          `bot kept ${Math.min(...kept).toFixed(1)}–${Math.max(...kept).toFixed(1)} ms; ` +
          `slip P99 ${report.slip.sendLateP99.toFixed(1)} max ${report.slip.sendLateMax.toFixed(1)} ms; ` +
          `end spread ${s.endSpreadMs.map((v) => v.toFixed(0)).join(', ')} ms`,
      );
      for (const d of off) expect(d).toBeLessThanOrEqual(TOLERANCE_MS);
      // Node timers may fire up to a millisecond early (they round).
      expect(Math.min(...kept)).toBeGreaterThanOrEqual(DELAY_MS - 2);
      expect(s.talkedOver).toBe(0);
      // Answers spread over the ramp, seeded: not all at one moment.
      if (mode === 'staggered' && calls > 1) {
        const answers = report.calls.map((c) => c.answerAtMs);
        expect(Math.max(...answers) - Math.min(...answers)).toBeGreaterThan(200);
      }
      // Worst case: every caller ends each line within the same 100 ms.
      if (mode === 'worst_case') {
        expect(s.endSpreadMs).toHaveLength(lines.length);
        for (const spread of s.endSpreadMs) expect(spread).toBeLessThanOrEqual(100);
      }
    });
  }
});

describe('npm run loadgen', () => {
  const loadgen = (url: string, ...args: string[]) =>
    promisify(execFile)(
      'npm',
      ['run', '--silent', 'loadgen', '--', '--url', url, '--audio-cache', audioDir.dir, ...args],
      { cwd: repoRoot, timeout: 40_000 },
    );

  it('plays callers against a bot URL from the command line: a summary line, or every call as JSON', async () => {
    bot = await startFixedDelayBot({ delayMs: DELAY_MS });
    const line = await loadgen(bot.url, '--calls', '2', '--lines', 'yes,no');
    expect(line.stdout).toMatch(/^2 calls, staggered, [\d.]+ s: caller-side voice-to-voice P50 \d+/);

    await bot.close();
    bot = await startFixedDelayBot({ delayMs: DELAY_MS });
    const json = await loadgen(bot.url, '--calls', '2', '--mode', 'worst_case', '--lines', 'yes', '--json');
    const out = JSON.parse(json.stdout) as {
      summary: { calls: number; failedCalls: number; unanswered: number };
      calls: { index: number; turns: { voiceToVoiceMs: number | null }[] }[];
    };
    expect(out.summary).toMatchObject({ calls: 2, failedCalls: 0, unanswered: 0 });
    const off = out.calls.flatMap((c) =>
      c.turns.map((t, i) => {
        const truth = bot?.replies.get(`call-${c.index}`)?.[i]?.keptMs ?? NaN;
        return Math.abs((t.voiceToVoiceMs ?? NaN) - truth);
      }),
    );
    expect(off).toHaveLength(2);
    for (const d of off) expect(d).toBeLessThanOrEqual(TOLERANCE_MS);
  });
});
