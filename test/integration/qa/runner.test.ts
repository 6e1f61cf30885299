import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { QaUpdatedEvent } from '../../../src/shared/qa';
import { Artifacts } from '../../../src/main/core/artifacts';
import { JobEngine } from '../../../src/main/core/jobs';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { QaRunner } from '../../../src/main/core/qa';
import {
  createSpeechProviders,
  SoundswallowerAsr,
  type SpeechProviders,
} from '../../../src/main/core/speech';
import {
  ArtifactsRepository,
  JobsRepository,
  openDatabase,
  QaRepository,
  VoicebotRepository,
  type Db,
} from '../../../src/main/core/store';
import { BotRegistry, DEFAULT_BOT_ID } from '../../../src/main/core/voicebot';
import fs from 'node:fs/promises';
import { recordDemoCall } from './recorded-call-rig';
import { makeTempDir } from '../../helpers/temp-dir';
import { patient, repoRoot } from '../../fixtures/demo-bot';

const suiteDir = path.join(repoRoot, 'resources/qa/appointment');
const logs: LogRecord[] = [];
const log = createLogger([memorySink(logs)], 'debug', 'test');
let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let speech: SpeechProviders;
let jobs: JobEngine;
let runner: QaRunner;
let artifacts: Artifacts;
const events: QaUpdatedEvent[] = [];

beforeAll(async () => {
  tmp = makeTempDir();
  db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
  speech = await createSpeechProviders({});
  jobs = new JobEngine({ repo: new JobsRepository(db), log, onUpdate: () => {} });
  artifacts = new Artifacts(new ArtifactsRepository(db), tmp.dir, log);
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
    emit: (e) => events.push(e),
    sessionCallerWav: (id) => new VoicebotRepository(db).recordings(id)?.caller ?? null,
  });
}, 60_000);

afterAll(async () => {
  await jobs?.stop();
  speech?.dispose();
  db?.close();
  tmp?.cleanup();
});

describe('QaRunner on the sample suite against the demo bot, in process', () => {
  it('runs every scenario with each of its callers (synthetic, human recordings), in parallel, as a job; all pass, recorded with both channels', async () => {
    const asr = speech.asr as SoundswallowerAsr;
    const jobsBefore = asr.stats().jobs;
    const loads = vi.spyOn(SoundswallowerAsr, 'load');
    const { runId, jobId } = await runner.start({ dir: suiteDir, parallel: 3, repeat: 1, seed: 1 }, 'test');
    const job = await jobs.whenDone(jobId);
    expect(job?.state).toBe('succeeded');
    const detail = runner.detail(runId);
    if (!detail) throw new Error('no run');
    const failed = detail.scenarios.filter((s) => s.verdict !== 'passed');
    expect(
      failed.map((s) => ({
        file: s.scenarioFile,
        end: s.endReason,
        error: s.error,
        f: s.evaluation?.failures,
      })),
    ).toEqual([]);
    expect(detail.scenarios).toHaveLength(15);
    // The LLM caller's scenario needs an LLM, and this runner has none: skipped, not failed.
    expect(detail.skipped).toEqual([
      expect.objectContaining({
        scenarioFile: 'llm-reschedule.yaml',
        caller: 'llm',
        reason: 'not_configured',
      }),
    ]);
    expect(detail.scenarios.filter((s) => s.caller === 'human')).toHaveLength(7);
    expect(detail.state).toBe('finished');
    expect(detail.counts.passed).toBe(15);
    // Faster than real time (the figure itself is the CLI's and the benchmark's to print).
    expect(detail.speedRatio).toBeGreaterThan(1);
    for (const s of detail.scenarios) {
      expect(s.callerAudio).not.toBeNull();
      expect(artifacts.get(s.botAudio ?? '')?.mime).toBe('audio/wav');
      expect(s.turns.length).toBeGreaterThan(1);
    }
    expect(events.at(-1)).toMatchObject({ runId, state: 'finished', done: 15, total: 15 });
    expect(job?.summary).toMatch(/^15 passed, 0 failed, 1 skipped/);
    // Scoring heard the bot's replies through the speech's own recogniser pool: none loaded for it.
    expect(loads).not.toHaveBeenCalled();
    loads.mockRestore();
    const turns = detail.scenarios.reduce((n, s) => n + s.turns.length, 0);
    expect(asr.stats().jobs - jobsBefore).toBeGreaterThan(turns);
  }, 120_000);
});

describe('cancelling a QA run', () => {
  it('stops after the scenario runs under way: the job and the run read cancelled, what finished is kept', async () => {
    const seen: QaUpdatedEvent[] = [];
    const { runId, jobId } = await runner.start(
      { dir: suiteDir, callers: ['synthetic'], parallel: 1, repeat: 2, seed: 7 },
      'test',
    );
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const first = events.find((e) => e.runId === runId && e.scenarioRunId !== null);
        if (first) {
          seen.push(first);
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    jobs.cancel(jobId, 'test');
    const job = await jobs.whenDone(jobId);
    expect(job?.state).toBe('cancelled');
    const detail = runner.detail(runId);
    expect(detail?.state).toBe('cancelled');
    expect(detail?.scenarios.length).toBeGreaterThanOrEqual(1);
    expect(detail?.scenarios.length).toBeLessThan(16);
  }, 120_000);
});

describe('a call the voicebot recorded, replayed as a human caller', () => {
  it('splits the recorded caller channel into turns by VAD and plays them for the spoken steps', async () => {
    // A call to the demo bot through the voicebot service, which records both channels.
    const session = await recordDemoCall({
      db,
      speech,
      dir: tmp.dir,
      lines: ['yes', 'cancel', 'yes'],
      log,
      testVariables: patient,
    });
    expect(session?.disposition).toBe('cancelled');

    const dir = path.join(tmp.dir, 'from-call');
    await fs.mkdir(dir);
    await fs.writeFile(
      path.join(dir, 'replay.yaml'),
      `name: Replayed call\ncallers: [human]\nhuman: { session: ${session?.id} }\nvariables: { name: Asha Rao }\nsteps:\n  - say: yes\n  - say: cancel\n  - say: yes\nexpect: { disposition: cancelled }\n`,
    );
    const { runId, jobId } = await runner.start({ dir, parallel: 1, repeat: 1, seed: 1 }, 'test');
    await jobs.whenDone(jobId);
    const [replay] = runner.detail(runId)?.scenarios ?? [];
    expect(replay?.error).toBeNull();
    expect(replay?.turns.slice(1).map((t) => t.callerText)).toEqual([
      `session ${session?.id} turn 1`,
      `session ${session?.id} turn 2`,
      `session ${session?.id} turn 3`,
    ]);
    expect(replay?.disposition).toBe('cancelled');
    expect(replay?.verdict).toBe('passed');
  }, 120_000);
});
