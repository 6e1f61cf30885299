import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { it } from 'vitest';
import type { QaCallerKind, QaConversation, QaEvaluation, Scenario } from '../../src/shared/qa';
import { createLogger } from '../../src/main/core/logging';
import {
  humanDir,
  loadSuite,
  runConversation,
  scriptedCaller,
  SpeechCache,
  startLocalBot,
  type BotLine,
} from '../../src/main/core/qa';
import { LocalBotRecord } from '../../src/main/core/qa/callers/local-bot';
import { evaluate, grammarTranscriber, scriptBotLines } from '../../src/main/core/qa/evaluator';
import { scenarioRunSeed, scenarioVariables } from '../../src/main/core/qa/runner/seeded';
import {
  createSpeechProviders,
  SoundswallowerAsr,
  type Asr,
  type SpeechProviders,
} from '../../src/main/core/speech';
import { createMediaPair, ExotelStreamClient } from '../../src/main/core/stream';
import {
  loadBotFile,
  SessionOptionsSchema,
  VoicebotSession,
  type ScriptBot,
} from '../../src/main/core/voicebot';
import { demoBotFile, repoRoot } from '../../test/fixtures/demo-bot';
import { makeTempDir } from '../../test/helpers/temp-dir';

// The sample suite (resources/qa/appointment) against the demo bot in process, with the real offline
// stack (flite, fvad, soundswallower): every scenario × caller once at full speed (audio fed as fast as
// the bot consumes it, in media time) and once at 1x (the same in-process bot, the caller's line paced
// to the wall clock, as a phone line is). Prints audio seconds simulated ÷ wall seconds (goal ≥ 20x)
// and whether both speeds gave the same verdicts. A benchmark: it prints, it never fails on a figure.

const SUITE = path.join(repoRoot, 'resources/qa/appointment');
const log = createLogger([], 'error', 'bench');

interface Planned {
  file: string;
  scenario: Scenario;
  caller: QaCallerKind;
  seed: number;
  variables: Record<string, string>;
}

/** The in-process bot with the caller's line paced to the wall clock (1x), as startLocalBot otherwise. */
function realtimeLocalBot(
  bot: ScriptBot,
  speech: SpeechProviders,
  variables: Record<string, string>,
): BotLine {
  const pair = createMediaPair({ sampleRate: 8000, logger: log });
  const record = new LocalBotRecord(bot, variables);
  const session = new VoicebotSession(pair.bot, {
    speech,
    options: SessionOptionsSchema.parse({}),
    observer: record,
    log,
  });
  const client = ExotelStreamClient.overPort(pair.caller, {
    pacing: 'realtime',
    customParameters: variables,
  });
  return {
    client,
    realtime: true,
    settle: () => Promise.resolve(),
    outcome: async () => {
      await session.done;
      return {
        disposition: record.end?.disposition ?? null,
        transfer: record.decision === null ? null : record.decision === 'agent',
        botTexts: [],
        sessionId: null,
        error: record.end?.reason === 'error' ? 'error' : null,
      };
    },
  };
}

async function runAt(
  speed: 'full' | '1x',
  p: Planned,
  bot: ScriptBot,
  speech: SpeechProviders,
  cache: SpeechCache,
  scoring: Asr,
): Promise<{ evaluation: QaEvaluation; mediaMs: number; talkMs: number; scoreMs: number }> {
  const t0 = performance.now();
  const caller = await scriptedCaller({
    kind: p.caller as 'synthetic' | 'human',
    suiteDir: SUITE,
    file: p.file,
    scenario: p.scenario,
    speech: cache,
  });
  const line =
    speed === 'full'
      ? startLocalBot({ bot, speech, variables: p.variables, log })
      : realtimeLocalBot(bot, speech, p.variables);
  const rec = await runConversation({ line, caller, maxDurationMs: p.scenario.max_duration_s * 1000 });
  const talkMs = performance.now() - t0;
  const conversation: QaConversation = {
    scenarioFile: p.file,
    scenarioName: p.scenario.name,
    caller: p.caller,
    repeat: 1,
    seed: p.seed,
    variables: p.variables,
    turns: rec.turns,
    durationMs: rec.durationMs,
    endReason: rec.endReason,
    error: rec.error,
    disposition: rec.outcome.disposition,
    transfer: rec.outcome.transfer,
    botSessionId: null,
  };
  const evaluation = await evaluate(
    {
      scenario: p.scenario,
      conversation,
      callerAudio: { pcm: rec.callerPcm, sampleRate: 8000 },
      botAudio: { pcm: rec.botPcm, sampleRate: 8000 },
    },
    { bot: grammarTranscriber(scoring, scriptBotLines(bot, p.variables), "the bot's lines") },
  );
  return { evaluation, mediaMs: rec.durationMs, talkMs, scoreMs: performance.now() - t0 - talkMs };
}

const verdict = (e: QaEvaluation) =>
  `${e.outcome}${e.failures.length ? ` (${[...new Set(e.failures.map((f) => f.kind))].sort().join(', ')})` : ''}`;

it('QA suite speed: the sample suite at full speed and at 1x, same verdicts', async () => {
  const loaded = await loadBotFile(demoBotFile);
  if (loaded.kind !== 'script') throw new Error('the demo bot is a script bot');
  const bot = loaded;
  const suite = await loadSuite(SUITE);
  const speech = await createSpeechProviders({});
  // A recogniser of its own for scoring: its grammar (the bot's lines) stays compiled while the bot's
  // own recogniser switches grammars state by state.
  const scoring = await SoundswallowerAsr.load();
  const tmp = makeTempDir('calldeck-bench-qa-');
  const cache = new SpeechCache(speech.tts, path.join(tmp.dir, 'tts'));
  const planned: Planned[] = [];
  const skipped: string[] = [];
  for (const { file, scenario } of suite.scenarios) {
    for (const caller of scenario.callers ?? ['synthetic']) {
      if (caller === 'llm') {
        skipped.push(`${file} × llm (needs an LLM endpoint)`);
        continue;
      }
      if (caller === 'human' && !fs.existsSync(humanDir(SUITE, file, scenario))) {
        skipped.push(`${file} × human (no recordings)`);
        continue;
      }
      const seed = scenarioRunSeed(1, scenario, 1);
      planned.push({ file, scenario, caller, seed, variables: scenarioVariables(scenario, seed) });
    }
  }
  try {
    // Warm-up (flite's first synthesis, the recogniser's first grammar) and the caller's TTS cache.
    const first = planned[0];
    if (first) await runAt('full', first, bot, speech, cache, scoring);

    const full: QaEvaluation[] = [];
    let mediaMs = 0;
    let talkMs = 0;
    let scoreMs = 0;
    const t0 = performance.now();
    for (const p of planned) {
      const r = await runAt('full', p, bot, speech, cache, scoring);
      full.push(r.evaluation);
      mediaMs += r.mediaMs;
      talkMs += r.talkMs;
      scoreMs += r.scoreMs;
    }
    const fullWallMs = performance.now() - t0;

    // Four at a time, as `calldeck qa run --parallel 4` does.
    const t2 = performance.now();
    const queue = [...planned];
    const parallel: QaEvaluation[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let p = queue.shift(); p; p = queue.shift())
          parallel.push((await runAt('full', p, bot, speech, cache, scoring)).evaluation);
      }),
    );
    const parallelWallMs = performance.now() - t2;

    // 1x: every conversation at once (each paced to the wall clock), as a suite with --parallel N would.
    const t1 = performance.now();
    const realtime = await Promise.all(planned.map((p) => runAt('1x', p, bot, speech, cache, scoring)));
    const realtimeWallMs = performance.now() - t1;

    const rows = planned.map((p, i) => {
      const a = full[i];
      const b = realtime[i]?.evaluation;
      return { name: `${p.file} × ${p.caller}`, full: a ? verdict(a) : '?', realtime: b ? verdict(b) : '?' };
    });
    const same = rows.filter((r) => r.full === r.realtime).length;
    const lines = [
      '',
      `QA suite ${path.relative(repoRoot, SUITE)} against the demo bot in process (flite + fvad + soundswallower)`,
      ...rows.map(
        (r) =>
          `  ${r.name.padEnd(34)} full speed: ${r.full.padEnd(28)} 1x: ${r.realtime}${r.full === r.realtime ? '' : '   <-- differs'}`,
      ),
      ...skipped.map((s) => `  skipped ${s}`),
      `  audio simulated: ${(mediaMs / 1000).toFixed(1)} s; one at a time ${(fullWallMs / 1000).toFixed(2)} s wall` +
        ` -> ${(mediaMs / fullWallMs).toFixed(1)}x real time (goal >= 20x)`,
      `    of which conversations ${(talkMs / 1000).toFixed(2)} s (${(mediaMs / talkMs).toFixed(1)}x), scoring (ASR of the bot's audio) ${(scoreMs / 1000).toFixed(2)} s`,
      `  four at a time: ${(parallelWallMs / 1000).toFixed(2)} s wall -> ${(mediaMs / parallelWallMs).toFixed(1)}x real time` +
        ` (${os.cpus().length} cores; verdicts ${parallel.length === full.length ? 'computed for all' : 'missing'})`,
      `  1x, all ${planned.length} at once: ${(realtimeWallMs / 1000).toFixed(1)} s wall`,
      `  same verdicts at full speed and at 1x: ${same} of ${rows.length}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    speech.dispose();
    scoring.dispose();
    tmp.cleanup();
  }
});
