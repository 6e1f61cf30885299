import fs from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQaSuite, type QaRunCliOptions } from '../../../src/main/server/commands/qa';
import { runVoicebot } from '../../../src/main/server/commands/voicebot';
import { call, withCliCore } from '../../../src/main/server/cli-core';
import { repoRoot } from '../../fixtures/demo-bot';
import { startOpenAiWireServer, type WireChatRequest } from '../../helpers/openai-wire-server';
import { makeTempDir } from '../../helpers/temp-dir';

// `calldeck qa run` as the CLI runs it (its own core on --data, the demo bot in process), reports
// parsed back: JUnit with the XML parser, the HTML checked to need nothing outside the file.

let tmp: ReturnType<typeof makeTempDir>;
let suite: string;
const base = (over: Partial<QaRunCliOptions> = {}): QaRunCliOptions => ({
  data: path.join(tmp.dir, 'data'),
  caller: 'all',
  parallel: '2',
  repeat: '1',
  seed: '1',
  ...over,
});

beforeAll(async () => {
  tmp = makeTempDir();
  suite = path.join(tmp.dir, 'suite');
  await fs.mkdir(suite);
  await fs.writeFile(
    path.join(suite, 'a-wrong-number.yaml'),
    'name: Wrong number\nvariables: { name: Asha Rao }\nsteps:\n  - say: no\n    expect: { says: Sorry for the trouble }\nexpect: { disposition: wrong_person }\n',
  );
  // Fails on purpose: the bot never says this.
  await fs.writeFile(
    path.join(suite, 'b-confirm.yaml'),
    'name: Confirm\nvariables: { name: Asha Rao }\nsteps:\n  - say: yes\n    expect: { says: see you next year }\n  - say: confirm\nexpect: { disposition: confirmed }\n',
  );
});

afterAll(() => tmp?.cleanup());

describe('calldeck qa run', () => {
  it('exits 1 when a scenario fails; JUnit names the turn, the expectation and what the bot said; the HTML stands alone', async () => {
    const out: string[] = [];
    const junit = path.join(tmp.dir, 'out.xml');
    const html = path.join(tmp.dir, 'out.html');
    const r = await runQaSuite(
      suite,
      base({ junit, html }),
      (l) => out.push(l),
      () => {},
    );
    expect(r.exitCode).toBe(1);
    expect(out.join('\n')).toMatch(/PASSED +Wrong number \[synthetic #1\]/);
    expect(out.join('\n')).toMatch(/FAILED +Confirm \[synthetic #1\]/);
    expect(out.some((l) => /^[\d.]+ s of calls in [\d.]+ s: [\d.]+x real time$/.test(l))).toBe(true);

    const xml = await fs.readFile(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    type Case = { '@_name': string; failure?: { '@_type': string; '@_message': string } };
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => name === 'testcase' || name === 'testsuite',
    }).parse(xml) as { testsuites: { testsuite: { '@_failures': string; testcase: Case[] }[] } };
    const junitSuite = doc.testsuites.testsuite[0];
    const cases = junitSuite?.testcase ?? [];
    expect(cases.map((c) => c['@_name'])).toEqual(['Wrong number [synthetic #1]', 'Confirm [synthetic #1]']);
    const failure = cases[1]?.failure;
    expect(failure?.['@_type']).toBe('expectation');
    expect(failure?.['@_message']).toMatch(
      /^\[expectation\] turn 1: expected says: contains "see you next year"; the bot said "thank you you have an appointment/,
    );
    expect(cases[0]?.failure).toBeUndefined();
    expect(junitSuite?.['@_failures']).toBe('1');

    const page = await fs.readFile(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('see you next year');
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\//i);
  }, 180_000);

  it('exits 0 when every scenario passes, and compares with a baseline run', async () => {
    await fs.rm(path.join(suite, 'b-confirm.yaml'));
    const first = await runQaSuite(
      suite,
      base({ json: true }),
      () => {},
      () => {},
    );
    expect(first.exitCode).toBe(0);
    const out: string[] = [];
    const second = await runQaSuite(
      suite,
      base({ baseline: first.run.id, repeat: '2' }),
      (l) => out.push(l),
      () => {},
    );
    expect(second.exitCode).toBe(0);
    expect(second.comparison?.regressions).toEqual([]);
    expect(second.comparison?.unchanged.map((u) => u.scenario)).toHaveLength(1);
    expect(out.join('\n')).toContain(`against ${first.run.id}: 0 regressed`);
  }, 180_000);

  it('exits 1 naming a scenario file that is not valid YAML: the valid ones run, it is an <error> in JUnit', async () => {
    // The suite holds the passing wrong-number scenario (the test above removed the failing one).
    await fs.writeFile(
      path.join(suite, 'c-broken.yaml'),
      'name: Broken\nsteps:\n  - say: yes\n    expect: [unclosed\n',
    );
    const out: string[] = [];
    const junit = path.join(tmp.dir, 'invalid.xml');
    try {
      const r = await runQaSuite(
        suite,
        base({ junit }),
        (l) => out.push(l),
        () => {},
      );
      expect(r.run.counts.passed).toBe(1);
      expect(r.exitCode).toBe(1);
      expect(r.invalid.map((i) => i.file)).toEqual(['c-broken.yaml']);
      const text = out.join('\n');
      expect(text).toMatch(/^INVALID +c-broken\.yaml:5:1 YAML syntax error.* \(not run\)$/m);
      expect(text).toMatch(/1 passed, 0 failed.*, 1 invalid scenario file not run \(finished\)/);
      const xml = await fs.readFile(junit, 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testcase' }).parse(xml) as {
        testsuites: {
          testsuite: {
            '@_errors': string;
            testcase: { '@_name': string; error?: { '@_message': string } }[];
          };
        };
      };
      expect(doc.testsuites.testsuite['@_errors']).toBe('1');
      const broken = doc.testsuites.testsuite.testcase.find((c) => c['@_name'] === 'c-broken.yaml (invalid)');
      expect(broken?.error?.['@_message']).toMatch(/^not run: c-broken\.yaml:5:1 YAML syntax error/);
    } finally {
      await fs.rm(path.join(suite, 'c-broken.yaml'));
    }
  }, 120_000);

  it('a run whose caller could not play (a missing clip) fails on that alone, with no speed figures of nothing', async () => {
    const dir = path.join(tmp.dir, 'missing-clip');
    await fs.mkdir(dir);
    await fs.writeFile(
      path.join(dir, 'clip.yaml'),
      'name: Clip\nvariables: { name: Asha Rao }\nsteps:\n  - clip: clips/nope.wav\nexpect: { disposition: confirmed }\n',
    );
    const out: string[] = [];
    const r = await runQaSuite(
      dir,
      base(),
      (l) => out.push(l),
      () => {},
    );
    expect(r.exitCode).toBe(1);
    const failure = out.filter((l) => l.startsWith('           ['));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatch(
      /\[caller_error\] call: expected the caller plays its part; cannot read the clip .*nope\.wav \(ENOENT\)$/,
    );
    expect(out.join('\n')).not.toMatch(/0\.0x real time/);
  });

  it('names why a folder has nothing to run: no scenario files, or only invalid ones', async () => {
    const empty = path.join(tmp.dir, 'empty-suite');
    await fs.mkdir(empty);
    await fs.writeFile(path.join(empty, 'notes.txt'), 'not a scenario');
    const run = (dir: string) =>
      runQaSuite(
        dir,
        base(),
        () => {},
        () => {},
      );
    await expect(run(empty)).rejects.toThrow(/empty-suite: no scenario files \(\*\.yaml\) in this folder/);
    await fs.writeFile(path.join(empty, 'only.yaml'), 'name: Only\nsteps: 3\n');
    await expect(run(empty)).rejects.toThrow(
      /no valid scenario: its only scenario file is invalid \(only\.yaml:2:/,
    );
  });

  it('refuses bad options before starting anything', async () => {
    await expect(
      runQaSuite(
        suite,
        base({ caller: 'robot' }),
        () => {},
        () => {},
      ),
    ).rejects.toThrow(/--caller must be one of/);
    await expect(
      runQaSuite(
        suite,
        base({ bot: 'http://x' }),
        () => {},
        () => {},
      ),
    ).rejects.toThrow(/ws:\/\//);
    await expect(
      runQaSuite(
        suite,
        base({ parallel: '0' }),
        () => {},
        () => {},
      ),
    ).rejects.toThrow(/--parallel/);
  });
});

describe('calldeck qa run --bot URL', () => {
  it('drives a bot over the Exotel stream WebSocket, paced in real time, and scores it', async () => {
    const bot = await runVoicebot({ port: 0, data: path.join(tmp.dir, 'bot-data') }, () => {});
    try {
      const dir = path.join(tmp.dir, 'url-suite');
      await fs.mkdir(dir);
      await fs.writeFile(
        path.join(dir, 'wrong-number.yaml'),
        // `bot:` names the definition behind the URL: offline, its lines are how the bot is heard.
        'name: Wrong number\nbot: appointment-reminder\nvariables: { name: Asha Rao }\nsteps:\n  - say: no\n    expect: { says: Sorry for the trouble, within_ms: 2000 }\nexpect: { hangup_by: bot }\n',
      );
      const t0 = performance.now();
      const r = await runQaSuite(
        dir,
        base({ bot: bot.streamUrl }),
        () => {},
        () => {},
      );
      const wallMs = performance.now() - t0;
      const [s] = r.run.scenarios;
      expect(s?.verdict).toBe('passed');
      expect(s?.endReason).toBe('bot_hangup');
      expect(r.run.bot).toBe(bot.streamUrl);
      // A bot at a URL says nothing of its disposition: only what was heard is scored.
      expect(s?.disposition).toBeNull();
      // Real time: the call took about as long on the wall clock as in media time.
      expect(wallMs).toBeGreaterThan((s?.durationMs ?? 0) * 0.9);
    } finally {
      await bot.close();
    }
  }, 120_000);
});

describe('calldeck qa run resources/qa/appointment --caller all', () => {
  const sample = path.join(repoRoot, 'resources/qa/appointment');

  it('passes offline: the LLM caller scenario is reported skipped (not configured), never failed', async () => {
    const out: string[] = [];
    const junit = path.join(tmp.dir, 'sample.xml');
    const html = path.join(tmp.dir, 'sample.html');
    const r = await runQaSuite(
      sample,
      base({ data: path.join(tmp.dir, 'offline-data'), parallel: '3', junit, html }),
      (l) => out.push(l),
      () => {},
    );
    expect(r.exitCode).toBe(0);
    expect(r.run.scenarios.length).toBeGreaterThan(10);
    expect(r.run.scenarios.every((s) => s.verdict === 'passed')).toBe(true);
    expect(r.run.scenarios.some((s) => s.caller === 'llm')).toBe(false);
    expect(r.run.skipped).toEqual([
      expect.objectContaining({
        scenarioFile: 'llm-reschedule.yaml',
        caller: 'llm',
        reason: 'not_configured',
      }),
    ]);
    expect(out.join('\n')).toMatch(
      /SKIPPED +An LLM caller moves the appointment \[llm #1\]: not configured: the llm caller needs an LLM/,
    );
    expect(out.join('\n')).toMatch(
      /\d+ passed, 0 failed, 0 no verdict, 0 not scored, 1 skipped \(finished\)/,
    );
    const xml = await fs.readFile(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    type Case = { '@_name': string; skipped?: { '@_message': string }; failure?: unknown };
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testcase' }).parse(xml) as {
      testsuites: {
        testsuite: { '@_tests': string; '@_skipped': string; '@_failures': string; testcase: Case[] };
      };
    };
    const suiteXml = doc.testsuites.testsuite;
    expect(suiteXml['@_failures']).toBe('0');
    expect(suiteXml['@_skipped']).toBe('1');
    expect(Number(suiteXml['@_tests'])).toBe(r.run.scenarios.length + 1);
    const llmCase = suiteXml.testcase.find(
      (c) => c['@_name'] === 'An LLM caller moves the appointment [llm #1]',
    );
    expect(llmCase?.skipped?.['@_message']).toMatch(/^skipped: not configured/);
    expect(llmCase?.failure).toBeUndefined();
    // The HTML report lists it skipped, with the reason, and counts it apart.
    const page = await fs.readFile(html, 'utf8');
    expect(page).toMatch(
      /An LLM caller moves the appointment \[llm #1\]<\/td><td class="pending">skipped<\/td>/,
    );
    expect(page).toMatch(/0 not scored · 1 skipped<\/p>/);
  }, 240_000);

  it('runs the LLM caller scenario against an OpenAI-compatible endpoint (the local wire server) and passes', async () => {
    // The patient as a scripted model: it answers the bot's last line (what the recogniser heard).
    // The judge (the same endpoint, at temperature 0) reads the transcript for the goal's success.
    const chat = (r: WireChatRequest) => {
      const last = [...r.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      if ((r.messages[0]?.content ?? '').startsWith('You judge')) {
        return /BOT: .*move your appointment to friday/.test(last)
          ? { text: '{"verdict":"pass","reasoning":"The bot moved the appointment to Friday."}' }
          : { text: '{"verdict":"fail","reasoning":"Not moved to Friday."}' };
      }
      if (/speaking with/.test(last)) return { text: '{"say": "yes"}' };
      if (/appointment on/.test(last)) return { text: '{"say": "change it"}' };
      if (/which day/.test(last)) return { text: '{"say": "make it friday"}' };
      if (/come on friday/.test(last)) return { text: '{"say": "yes"}' };
      return { text: '{"hangup": true, "reason": "done"}' };
    };
    const server = await startOpenAiWireServer({ chat });
    const data = path.join(tmp.dir, 'llm-data');
    try {
      await withCliCore(data, async (core) => {
        await call(core, 'settings.update', {
          section: 'speech',
          values: {
            provider: 'openai',
            baseUrl: server.baseURL,
            llmModel: 'patient-model',
            asrModel: '',
            ttsModel: '',
            ttsVoice: '',
          },
        });
      });
      const out: string[] = [];
      const r = await runQaSuite(
        sample,
        base({ data, caller: 'llm' }),
        (l) => out.push(l),
        () => {},
      );
      expect(r.run.skipped).toEqual([]);
      expect(
        r.run.scenarios.map((s) => [s.scenarioFile, s.caller, s.verdict, s.disposition, s.error]),
      ).toEqual([['llm-reschedule.yaml', 'llm', 'passed', 'rescheduled', null]]);
      expect(r.exitCode).toBe(0);
      // The caller's lines are the model's: it was asked, and what it said was spoken.
      expect(r.run.scenarios[0]?.turns.map((t) => t.callerText)).toEqual(
        expect.arrayContaining(['change it', 'make it friday']),
      );
      // The goal's success criterion was judged, and the judge used is stored for re-scoring.
      const evaluation = r.run.scenarios[0]?.evaluation;
      expect(evaluation?.judged.map((j) => j.verdict)).toEqual(['pass']);
      expect(evaluation?.judged[0]?.criterion).toMatch(/moved to Friday/);
      expect(evaluation?.judge).toEqual({
        model: 'patient-model',
        temperature: 0,
        promptVersion: 'judge-v1',
      });
      expect(server.requests.some((q) => q.path === '/v1/chat/completions')).toBe(true);
    } finally {
      await server.close();
    }
  }, 240_000);
});
