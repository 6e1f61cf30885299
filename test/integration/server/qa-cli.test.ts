import fs from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQaSuite, type QaRunCliOptions } from '../../../src/main/server/commands/qa';
import { runVoicebot } from '../../../src/main/server/commands/voicebot';
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
