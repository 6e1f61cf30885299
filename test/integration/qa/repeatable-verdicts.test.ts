import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Artifacts } from '../../../src/main/core/artifacts';
import { JobEngine } from '../../../src/main/core/jobs';
import { createLogger } from '../../../src/main/core/logging';
import { QaRunner } from '../../../src/main/core/qa';
import { compareRuns, compareSuite, summariseRuns, toComparable } from '../../../src/main/core/qa/stats';
import { createSpeechProviders, type SpeechProviders } from '../../../src/main/core/speech';
import {
  ArtifactsRepository,
  JobsRepository,
  openDatabase,
  QaRepository,
  type Db,
} from '../../../src/main/core/store';
import { BotRegistry, DEFAULT_BOT_ID } from '../../../src/main/core/voicebot';
import { faultyBots } from '../../fixtures/bots';
import { repoRoot } from '../../fixtures/demo-bot';
import { makeTempDir } from '../../helpers/temp-dir';

// A suite run repeated with the same seed gives the same verdicts, whatever the parallelism: the
// runner (media time) and the evaluator (what was heard) together, with a faulty bot so that there
// are failures to repeat.

const suiteDir = path.join(repoRoot, 'resources/qa/appointment');
const log = createLogger([], 'error', 'test');
let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let speech: SpeechProviders;
let jobs: JobEngine;
let runner: QaRunner;

beforeAll(async () => {
  tmp = makeTempDir();
  db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
  speech = await createSpeechProviders({});
  jobs = new JobEngine({ repo: new JobsRepository(db), log, onUpdate: () => {} });
  const artifacts = new Artifacts(new ArtifactsRepository(db), tmp.dir, log);
  fs.mkdirSync(path.join(tmp.dir, 'bots'), { recursive: true });
  fs.copyFileSync(faultyBots.wrongDay.file, path.join(tmp.dir, 'bots', 'wrong-day.yaml'));
  const bots = await BotRegistry.load({
    bundledDir: path.join(repoRoot, 'resources/bots'),
    userDir: path.join(tmp.dir, 'bots'),
    defaultBotId: DEFAULT_BOT_ID,
    log,
  });
  runner = new QaRunner({
    repo: new QaRepository(db),
    artifacts: () => artifacts,
    jobs,
    dataDir: tmp.dir,
    log,
    speech: () => Promise.resolve(speech),
    bots: () => Promise.resolve(bots),
    emit: () => {},
  });
}, 60_000);

afterAll(async () => {
  await jobs?.stop();
  speech?.dispose();
  db?.close();
  tmp?.cleanup();
});

async function run(parallel: number) {
  const { runId, jobId } = await runner.start(
    { dir: suiteDir, bot: 'faulty-wrong-day', callers: ['synthetic'], parallel, repeat: 1, seed: 7 },
    'test',
  );
  await jobs.whenDone(jobId);
  const detail = runner.detail(runId);
  if (!detail) throw new Error('no run');
  return detail.scenarios;
}

describe('the same suite, the same seed, the same verdicts', () => {
  it('a faulty bot fails the same scenario the same way, one at a time or three at a time', async () => {
    const a = await run(1);
    const b = await run(3);
    const verdicts = (runs: typeof a) =>
      runs
        .map((s) => ({
          file: s.scenarioFile,
          verdict: s.verdict,
          variables: s.variables,
          failures: s.evaluation?.failures,
          heard: s.evaluation?.turns.map((t) => [t.botText, t.latencyMs]),
        }))
        .sort((x, y) => x.file.localeCompare(y.file));
    expect(verdicts(b)).toEqual(verdicts(a));
    // The faulty bot fails reschedule only (a line the offline recogniser cannot place is no verdict).
    expect(a.filter((s) => s.verdict === 'failed').map((s) => s.scenarioFile)).toEqual(['reschedule.yaml']);

    // Nothing changed between the two runs: no regression, no fix, every turn's words the same.
    const diff = compareSuite(a.map(toComparable), b.map(toComparable));
    expect(diff.regressions).toEqual([]);
    expect(diff.fixes).toEqual([]);
    expect(diff.unchanged).toHaveLength(a.length);
    for (const s of a) {
      const other = b.find((x) => x.scenarioFile === s.scenarioFile);
      if (!other) throw new Error(`${s.scenarioFile} missing from the second run`);
      const c = compareRuns(toComparable(s), toComparable(other));
      expect(c.sameWords, s.scenarioFile).toBe(true);
      expect(
        c.turns.every((t) => !t.verdictChanged && (t.latencyDeltaMs ?? 0) === 0),
        s.scenarioFile,
      ).toBe(true);
    }
    // Over both runs (k = 2), nothing is flaky.
    expect(
      summariseRuns([...a, ...b.map((s) => ({ ...s, repeat: 2 }))]).filter((r) => r.rates.flaky),
    ).toEqual([]);
  }, 300_000);
});
