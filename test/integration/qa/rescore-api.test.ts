import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QaRunDetail, QaUpdatedEvent } from '../../../src/shared/qa';
import type { QaRescoreInfo } from '../../../src/shared/qa-rescore';
import { DATA_TOOL, type Core } from '../../../src/main/core';
import { runQaRescore, runQaSuite } from '../../../src/main/server/commands/qa';
import { ok } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';
import { startOpenAiWireServer, type OpenAiWireServer } from '../../helpers/openai-wire-server';

// Re-scoring a stored run through the Api (and `calldeck qa rescore`): the recorded audio and turns
// scored again with the scenario file and the judge as they are now; the run's own verdicts stay.

let core: Core;
let dir: string;
let cleanup: () => Promise<void>;
let suiteDir: string;
let server: OpenAiWireServer;
const SAMPLE = path.resolve(__dirname, '../../../resources/qa/appointment');

async function runSuite(): Promise<QaRunDetail> {
  let stop = () => {};
  const finished = new Promise<void>((resolve) => {
    stop = core.subscribe((event, payload) => {
      if (event === 'qa.updated' && (payload as QaUpdatedEvent).state !== 'running') resolve();
    });
  });
  const started = ok<{ runId: string }>(
    await core.invoke('qa.run', { dir: suiteDir, callers: ['synthetic'], parallel: 2 }),
  );
  await finished;
  stop();
  return ok<QaRunDetail>(await core.invoke('qa.runDetail', { runId: started.runId }));
}

const rescore = async (runId: string) => ok<QaRescoreInfo>(await core.invoke('qa.rescore', { runId }));

beforeAll(async () => {
  // The judge's model: the bot must have said the appointment day back.
  server = await startOpenAiWireServer({
    chat: (r) => {
      const last = r.messages.at(-1)?.content ?? '';
      return /BOT: .*monday the fifth/.test(last)
        ? { text: '{"verdict":"pass","reasoning":"The bot read the day back."}' }
        : { text: '{"verdict":"fail","reasoning":"No day read back."}' };
    },
  });
  ({ core, dir, cleanup } = await makeTestCore({ profile: DATA_TOOL }));
  suiteDir = path.join(dir, 'qa', 'suites', 'rescore');
  await fs.mkdir(suiteDir, { recursive: true });
  for (const f of ['confirm.yaml', 'wrong-number.yaml'])
    await fs.copyFile(path.join(SAMPLE, f), path.join(suiteDir, f));
}, 60_000);

afterAll(async () => {
  await cleanup?.();
  await server?.close();
});

describe('qa.rescore', () => {
  it('scores a stored run again: the same verdicts unchanged, a changed scenario and a new judge, never over the old verdicts', async () => {
    const run = await runSuite();
    expect(run.scenarios.map((s) => [s.scenarioFile, s.verdict])).toEqual([
      ['confirm.yaml', 'passed'],
      ['wrong-number.yaml', 'passed'],
    ]);

    // Nothing changed: the same verdicts from the stored audio (scoring is reproducible).
    const same = await rescore(run.id);
    expect(same.results.map((r) => [r.scenarioFile, r.before, r.after, r.changed, r.error])).toEqual([
      ['confirm.yaml', 'passed', 'passed', false, null],
      ['wrong-number.yaml', 'passed', 'passed', false, null],
    ]);
    expect(same.results[0]?.evaluation?.turns.map((t) => t.botText)).toEqual(
      run.scenarios[0]?.evaluation?.turns.map((t) => t.botText),
    );

    // The scenario gains an expectation the bot never met, and a judge criterion; the speech
    // settings now have an LLM, so the judge is asked.
    const confirm = path.join(suiteDir, 'confirm.yaml');
    await fs.writeFile(
      confirm,
      (await fs.readFile(confirm, 'utf8')).replace(
        'expect:\n  disposition: confirmed',
        'expect:\n  says: see you next year\n  judge: The bot reads the appointment day back\n  disposition: confirmed',
      ),
    );
    ok(
      await core.invoke('settings.update', {
        section: 'speech',
        values: {
          provider: 'openai',
          baseUrl: server.baseURL,
          llmModel: 'judge-model',
          asrModel: '',
          ttsModel: '',
          ttsVoice: '',
        },
      }),
    );
    const changed = await rescore(run.id);
    expect(changed.changed).toBe(1);
    const [c, w] = changed.results;
    expect([c?.before, c?.after, c?.changed]).toEqual(['passed', 'failed', true]);
    expect(c?.newFailures).toEqual([
      expect.objectContaining({ kind: 'expectation', expectation: 'says: contains "see you next year"' }),
    ]);
    expect(c?.goneFailures).toEqual([]);
    expect(c?.judgeBefore).toBeNull();
    expect(c?.judgeAfter).toEqual({ model: 'judge-model', temperature: 0, promptVersion: 'judge-v1' });
    expect(c?.evaluation?.judged.map((j) => [j.verdict, j.reasoning])).toEqual([
      ['pass', 'The bot read the day back.'],
    ]);
    expect(w?.changed).toBe(false);

    // The run's own verdicts are untouched; both re-scores are kept, newest first.
    const after = ok<QaRunDetail>(await core.invoke('qa.runDetail', { runId: run.id }));
    expect(after.scenarios.map((s) => s.verdict)).toEqual(['passed', 'passed']);
    expect(after.scenarios[0]?.evaluation).toEqual(run.scenarios[0]?.evaluation);
    const { rescores } = ok<{ rescores: QaRescoreInfo[] }>(
      await core.invoke('qa.rescores', { runId: run.id }),
    );
    expect(rescores.map((r) => [r.id, r.changed])).toEqual([
      [changed.id, 1],
      [same.id, 0],
    ]);

    // A recording gone: that run is not scored again, and says why.
    const artifactsDir = path.join(dir, 'qa', 'runs', run.id);
    for (const f of await fs.readdir(artifactsDir))
      if (f.includes('wrong-number') && f.endsWith('-bot.wav')) await fs.rm(path.join(artifactsDir, f));
    const gone = await rescore(run.id);
    expect(gone.results[1]).toMatchObject({
      after: 'no_verdict',
      error: 'not scored again: its recorded audio is gone',
    });

    await expect(core.invoke('qa.rescore', { runId: 'nope' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'No QA run nope' },
    });
  }, 180_000);

  it('calldeck qa rescore prints what changed and exits 1 when a scenario fails as scored now', async () => {
    // The CLI's own data folder and suite: a run, then the scenario changes, then the re-score.
    const data = path.join(dir, 'cli-data');
    const suite = path.join(dir, 'cli-suite');
    await fs.mkdir(suite);
    for (const f of ['confirm.yaml', 'wrong-number.yaml'])
      await fs.copyFile(path.join(SAMPLE, f), path.join(suite, f));
    const cli = { data, caller: 'synthetic', parallel: '2', repeat: '1', seed: '1' };
    const first = await runQaSuite(
      suite,
      cli,
      () => {},
      () => {},
    );
    expect(first.exitCode).toBe(0);
    const same: string[] = [];
    expect((await runQaRescore(first.run.id, { data }, (l) => same.push(l))).exitCode).toBe(0);
    expect(same.at(-1)).toMatch(/: 0 of 2 verdicts changed$/);

    const confirm = path.join(suite, 'confirm.yaml');
    await fs.writeFile(
      confirm,
      (await fs.readFile(confirm, 'utf8')).replace(
        'expect:\n  disposition:',
        'expect:\n  says: see you next year\n  disposition:',
      ),
    );
    const out: string[] = [];
    const r = await runQaRescore(first.run.id, { data }, (l) => out.push(l));
    expect(r.exitCode).toBe(1);
    const text = out.join('\n');
    expect(text).toMatch(/CHANGED +passed -> failed +Confirm the appointment \[synthetic #1\]/);
    expect(text).toMatch(/\+ \[expectation\] says: contains "see you next year"; the bot said/);
    expect(text).toMatch(/SAME +passed +A wrong number \[synthetic #1\]/);
    expect(text).toMatch(
      new RegExp(`re-score [0-9a-f-]{36} of run ${first.run.id}: 1 of 2 verdicts changed`),
    );
  }, 180_000);
});
