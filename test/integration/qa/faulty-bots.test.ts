import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QaConversation, QaEvaluation } from '../../../src/shared/qa';
import { createLogger } from '../../../src/main/core/logging';
import { loadSuite, scenarioRunSeed, scenarioVariables, type LoadedSuite } from '../../../src/main/core/qa';
import { scenarioCallers } from '../../../src/shared/qa';
import { SpeechCache } from '../../../src/main/core/qa/callers/caller-audio';
import { runConversation } from '../../../src/main/core/qa/callers/conversation';
import { startLocalBot } from '../../../src/main/core/qa/callers/local-bot';
import { scriptedCaller } from '../../../src/main/core/qa/callers/scripted-caller';
import { evaluate, grammarTranscriber, scriptBotLines } from '../../../src/main/core/qa/evaluator';
import { createSpeechProviders, type SpeechProviders } from '../../../src/main/core/speech';
import { loadBotFile, type SessionOptionsInput } from '../../../src/main/core/voicebot';
import { faultyBots, type FaultyBot } from '../../fixtures/bots';
import { demoBotFile, repoRoot } from '../../fixtures/demo-bot';
import { makeTempDir } from '../../helpers/temp-dir';

// Each faulty bot fails exactly the scenarios of the sample suite (resources/qa/appointment) it
// should, with the right failure kinds; the demo bot passes them all. Synthetic callers, the suite's
// own seeded variables.

const SUITE = path.join(repoRoot, 'resources/qa/appointment');
let suite: LoadedSuite;

let speech: SpeechProviders;
let tmp: ReturnType<typeof makeTempDir>;
const log = createLogger([], 'error', 'test');

beforeAll(async () => {
  tmp = makeTempDir();
  speech = await createSpeechProviders({});
  const loaded = await loadSuite(SUITE);
  // The scripted scenarios (the LLM caller's scenario has no steps to speak).
  suite = {
    ...loaded,
    scenarios: loaded.scenarios.filter((s) => scenarioCallers(s.scenario).includes('synthetic')),
  };
}, 60_000);
afterAll(() => {
  speech?.dispose();
  tmp?.cleanup();
});

async function play(botFile: string, file: string, session?: SessionOptionsInput): Promise<QaEvaluation> {
  const bot = await loadBotFile(botFile);
  if (bot.kind !== 'script') throw new Error('script bots only');
  const scenario = suite.scenarios.find((x) => x.file === file)?.scenario;
  if (!scenario) throw new Error(`no scenario ${file} in the sample suite`);
  const seed = scenarioRunSeed(1, scenario, 1);
  const variables = scenarioVariables(scenario, seed);
  const caller = await scriptedCaller({
    kind: 'synthetic',
    suiteDir: SUITE,
    file,
    scenario,
    speech: new SpeechCache(speech.tts, path.join(tmp.dir, 'tts')),
  });
  const line = startLocalBot({ bot, speech, variables, log, ...(session ? { session } : {}) });
  const rec = await runConversation({ line, caller, maxDurationMs: 120_000 });
  const conversation: QaConversation = {
    scenarioFile: file,
    scenarioName: scenario.name,
    caller: 'synthetic',
    repeat: 1,
    seed,
    variables,
    turns: rec.turns,
    durationMs: rec.durationMs,
    endReason: rec.endReason,
    error: rec.error,
    disposition: rec.outcome.disposition,
    transfer: rec.outcome.transfer,
    botSessionId: null,
  };
  return evaluate(
    {
      scenario,
      conversation,
      callerAudio: { pcm: rec.callerPcm, sampleRate: 8000 },
      botAudio: { pcm: rec.botPcm, sampleRate: 8000 },
    },
    { bot: grammarTranscriber(speech.asr, scriptBotLines(bot, variables), "the bot's lines") },
  );
}

/** scenario → failure kinds (sorted, unique); passing scenarios are left out. */
async function failing(bot: Pick<FaultyBot, 'file' | 'session'>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const { file: name } of suite.scenarios) {
    const e = await play(bot.file, name, bot.session);
    if (e.outcome !== 'pass') out[name] = [...new Set(e.failures.map((f) => f.kind))].sort();
    if (process.env.QA_DEBUG)
      process.stdout.write(`DBG ${path.basename(bot.file)} ${name} ${JSON.stringify(e.failures)}\n`);
  }
  return out;
}

describe('faulty bots against the appointment scenarios', () => {
  it('the demo bot passes every scenario', async () => {
    expect(await failing({ file: demoBotFile })).toEqual({});
  }, 240_000);

  it('a bot that ignores cancel fails only the cancel scenario, on what it said', async () => {
    expect(await failing(faultyBots.ignoresCancel)).toEqual({ 'cancel.yaml': ['expectation'] });
  }, 240_000);

  it('a bot that names the wrong day fails only the reschedule scenario', async () => {
    expect(await failing(faultyBots.wrongDay)).toEqual({ 'reschedule.yaml': ['expectation'] });
  }, 240_000);

  it('a bot that replies after 3 s fails the scenario with a latency budget, on latency', async () => {
    // Only confirm.yaml sets within_ms (greeting and first answer: 1500 ms).
    expect(await failing(faultyBots.repliesLate)).toEqual({ 'confirm.yaml': ['latency'] });
  }, 240_000);

  it('a bot that talks over the caller fails only the barge-in scenario, on talk-over', async () => {
    // Talking on, it also misses the caller's word, so what it says next is wrong too.
    const result = await failing(faultyBots.talksOver);
    expect(Object.keys(result)).toEqual(['barge-in.yaml']);
    expect(result['barge-in.yaml']).toContain('talk_over');
  }, 240_000);

  it('a bot that never replies fails every scenario; on silence where a latency budget makes the caller wait', async () => {
    const expected: Record<string, string[]> = {};
    for (const { file } of suite.scenarios) expected[file] = ['expectation'];
    expected['confirm.yaml'] = ['expectation', 'silence'];
    expect(await failing(faultyBots.neverReplies)).toEqual(expected);
  }, 240_000);

  it("hears the demo bot's line cut short by the barge-in as its first words (it was unheard before)", async () => {
    const e = await play(demoBotFile, 'barge-in.yaml');
    expect(e.turns[1]?.botText).toMatch(/^thank you you have an appointment/);
    expect(e.notes?.join('\n')).toMatch(/1 reply\(s\) heard as the start of a line/);
    expect(e.notes?.join('\n')).not.toMatch(/could not be transcribed/);
  }, 60_000);

  it('the same run again gives the same verdicts', async () => {
    const a = await play(faultyBots.wrongDay.file, 'reschedule.yaml');
    const b = await play(faultyBots.wrongDay.file, 'reschedule.yaml');
    expect(b).toEqual(a);
  }, 60_000);
});
