import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QaUpdatedEvent } from '../../../src/shared/qa';
import { Artifacts } from '../../../src/main/core/artifacts';
import { JobEngine } from '../../../src/main/core/jobs';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { BotWork, QaRunner, runConversation, SpeechCache } from '../../../src/main/core/qa';
import { createSpeechProviders, type SpeechProviders } from '../../../src/main/core/speech';
import {
  ArtifactsRepository,
  JobsRepository,
  openDatabase,
  QaRepository,
  VoicebotRepository,
  type Db,
} from '../../../src/main/core/store';
import { BotRegistry, DEFAULT_BOT_ID, loadBotFile, Voicebot } from '../../../src/main/core/voicebot';
import { createMediaPair, ExotelStreamClient } from '../../../src/main/core/stream';
import fs from 'node:fs/promises';
import { makeTempDir } from '../../helpers/temp-dir';
import { demoBotFile, patient, repoRoot } from '../../fixtures/demo-bot';

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
    const work = new BotWork();
    const repo = new VoicebotRepository(db);
    const voicebot = new Voicebot({
      bot: await loadBotFile(demoBotFile),
      speech: work.track(speech),
      repo,
      recordingsDir: path.join(tmp.dir, 'recordings'),
      log,
      testVariables: patient,
    });
    const pair = createMediaPair({ sampleRate: 8000 });
    await voicebot.attach(pair.bot);
    const cache = new SpeechCache(speech.tts, path.join(tmp.dir, 'tts'));
    const lines = ['yes', 'cancel', 'yes'];
    const said = await runConversation({
      line: {
        client: ExotelStreamClient.overPort(pair.caller, { pacing: work.clock() }),
        realtime: false,
        settle: () => work.quiet(),
        outcome: () =>
          Promise.resolve({ disposition: null, transfer: null, botTexts: [], sessionId: null, error: null }),
      },
      caller: {
        bargeInMs: () => undefined,
        next: async ({ turn }) => {
          const text = lines[turn - 1];
          return text ? { action: 'say', step: turn - 1, text, pcm: await cache.speak(text) } : null;
        },
      },
      maxDurationMs: 120_000,
    });
    expect(said.endReason).toBe('bot_hangup');
    await voicebot.idle();
    const [session] = repo.listSessions({ limit: 1 });
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
    await voicebot.close();
  }, 120_000);
});
