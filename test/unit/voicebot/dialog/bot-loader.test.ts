import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BotDefinitionError,
  createDialog,
  loadBotDirectory,
  loadBotFile,
  parseBot,
  type BotIssue,
} from '../../../../src/main/core/voicebot';
import { makeTempDir } from '../../../helpers/temp-dir';
import { botsDir, converse, demoBotFile, memoryLogger, say } from './helpers';

const demoText = fs.readFileSync(demoBotFile, 'utf8');

/** The demo bot's text with one edit; the edit must apply, or the test would check nothing. */
function demoWith(find: string, replace: string): string {
  expect(demoText).toContain(find);
  return demoText.replace(find, replace);
}

function issuesOf(text: string): BotIssue[] {
  try {
    parseBot(text, 'broken.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(BotDefinitionError);
    const e = error as BotDefinitionError;
    expect(e.source).toBe('broken.yaml');
    expect(e.message.startsWith('broken.yaml: invalid bot definition:')).toBe(true);
    return e.issues;
  }
  throw new Error('expected the bot to be rejected');
}

const tiny = (states: string, extra = '') => `
kind: script
id: tiny
name: Tiny
${extra}
intents:
  yes: { phrases: [yes] }
  no: { phrases: [no] }
no_input: { prompt: Sorry., limit: 2, then: bye }
no_match: { prompt: Sorry., limit: 2, then: bye }
start: ask
states:
${states}
`;

describe('bot definition loader', () => {
  const temps: (() => void)[] = [];
  afterEach(() => temps.splice(0).forEach((c) => c()));

  it('loads both shipped bots', async () => {
    const entries = await loadBotDirectory(botsDir);
    expect(entries.map((e) => path.basename(e.file))).toEqual(
      expect.arrayContaining(['appointment-reminder.yaml', 'collections-llm.yaml']),
    );
    for (const e of entries) expect(e.error, e.file).toBeUndefined();
    const kinds = Object.fromEntries(entries.map((e) => [e.bot?.id ?? '', e.bot?.kind ?? '']));
    expect(kinds).toMatchObject({ 'appointment-reminder': 'script', 'collections-llm': 'llm' });
  });

  it('reports YAML syntax errors with line and column', () => {
    const issues = issuesOf('kind: script\nid: x\nstates: [unclosed\n  name: y\n');
    expect(issues[0]?.message).toMatch(/^YAML syntax error at line \d+, column \d+/);
    expect(issuesOf('kind: script\nkind: llm\n')[0]?.message).toMatch(/YAML syntax error.*unique/i);
    expect(issuesOf('- just\n- a list\n')).toEqual([
      { path: '', message: 'must be a YAML mapping (key: value pairs)' },
    ]);
  });

  it('names an unknown transition target by its path', () => {
    const issues = issuesOf(demoWith('- { intent: no, to: wrong_person', '- { intent: no, to: wrong_persn'));
    expect(issues).toEqual([
      { path: 'states.identity.transitions[1].to', message: "unknown state 'wrong_persn'" },
    ]);
    const e = issuesOf(demoWith('then: no_response', 'then: no_respons'));
    expect(e).toEqual([{ path: 'no_input.then', message: "unknown state 'no_respons'" }]);
    expect(issuesOf(demoWith('start: identity', 'start: identiti'))).toEqual([
      { path: 'start', message: "unknown state 'identiti'" },
    ]);
  });

  it('reports a missing prompt, an unknown field and a bad state type', () => {
    expect(
      issuesOf(
        tiny(
          '  ask: { type: ask, transitions: [{ intent: yes, to: bye }] }\n  bye: { type: end, prompt: Bye., disposition: done }',
        ),
      ),
    ).toEqual([{ path: 'states.ask.prompt', message: 'is required' }]);
    const typo = issuesOf(
      tiny(
        '  ask: { type: ask, promt: Hi, prompt: Hi, transitions: [{ intent: yes, to: bye }] }\n  bye: { type: end, prompt: Bye., disposition: done }',
      ),
    );
    expect(typo).toEqual([{ path: 'states.ask', message: "unknown field(s): 'promt'" }]);
    const kind = issuesOf(
      tiny('  ask: { type: question, prompt: Hi }\n  bye: { type: end, prompt: Bye., disposition: done }'),
    );
    expect(kind).toEqual([{ path: 'states.ask.type', message: 'must be one of: ask, end, transfer' }]);
    expect(issuesOf('kind: robot\nid: x\n')).toEqual([
      { path: 'kind', message: 'must be one of: script, llm' },
    ]);
  });

  it('requires an end state, transitions in ask states, and known intents', () => {
    const issues = issuesOf(
      tiny(
        '  ask: { type: ask, prompt: Hi, transitions: [{ intent: maybe, to: ask }] }\n  bye: { type: transfer, prompt: Bye., disposition: done }\n  idle: { type: ask, prompt: Hm }',
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'states', message: 'needs at least one state of type end' },
        { path: 'states.ask.transitions[0].intent', message: "unknown intent 'maybe'" },
        { path: 'states.idle.transitions', message: 'an ask state needs at least one transition' },
      ]),
    );
  });

  it('checks grammar phrases: non-empty, plain words, known slots, no clashes', () => {
    const empty = issuesOf(demoWith('phrases: [no, nope,', 'phrases: ["...", nope,'));
    expect(empty).toEqual([{ path: 'intents.no.phrases[0]', message: "'...' has no words" }]);
    const digits = issuesOf(demoWith('\n        agent,\n', '\n        agent 007,\n'));
    expect(digits[0]?.path).toBe('intents.agent.phrases[0]');
    expect(digits[0]?.message).toMatch(/'007' is not a plain word/);
    const noPhrases = issuesOf(
      demoWith('phrases: [no, nope, no thanks, not me, wrong number, wrong person]', 'phrases: []'),
    );
    expect(noPhrases).toEqual([{ path: 'intents.no.phrases', message: 'must list at least one phrase' }]);
    const slot = issuesOf(demoWith("'next {day}'", "'next {weekday}'"));
    expect(slot).toContainEqual({
      path: 'intents.day.phrases[2]',
      message: "'next {weekday}' uses {weekday} but the intent's slot is 'day'",
    });
    const clash = issuesOf(demoWith('[confirm, keep it,', '[confirm, no thanks,'));
    expect(clash).toContainEqual({
      path: 'states.appointment',
      message: "phrase 'no thanks' matches both 'confirm' and 'no'",
    });
    const key = issuesOf(
      demoWith(
        "- { intent: no, to: wrong_person, dtmf: '2' }",
        "- { intent: no, to: wrong_person, dtmf: '1' }",
      ),
    );
    expect(key).toEqual([{ path: 'states.identity', message: "key 1 is used by both 'yes' and 'no'" }]);
  });

  it('checks {{variables}} in prompts against the declared variables and slots', () => {
    const typo = issuesOf(
      demoWith('Am I speaking with {{name}}? Please say yes or no.', 'Am I speaking with {{nmae}}?'),
    );
    expect(typo).toEqual([
      { path: 'states.identity.prompt', message: "unknown variable '{{nmae}}' (declare it under variables)" },
    ]);
    const slot = issuesOf(demoWith('come on {{slot.day}}', 'come on {{slot.dya}}'));
    expect(slot).toEqual([
      { path: 'states.confirm_day.prompt', message: "{{slot.dya}}: unknown slot 'dya'" },
    ]);
    const braces = issuesOf(demoWith('Please hold while', 'Please {{ hold while'));
    expect(braces).toEqual([{ path: 'states.transfer.prompt', message: 'has a malformed {{placeholder}}' }]);
  });

  it('collects every problem at once', () => {
    const text = demoWith('start: identity', 'start: nowhere').replace(
      'to: cancel_check, dtmf',
      'to: cancel_chek, dtmf',
    );
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path)).toEqual(['start', 'states.appointment.transitions[2].to']);
  });

  it('reads files by path and names the file in errors', async () => {
    const { dir, cleanup } = makeTempDir();
    temps.push(cleanup);
    const bad = path.join(dir, 'bad-bot.yaml');
    fs.writeFileSync(bad, demoWith('to: confirmed, dtmf', 'to: confrimed, dtmf'));
    fs.copyFileSync(demoBotFile, path.join(dir, 'good.yml'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a bot');
    await expect(loadBotFile(bad)).rejects.toThrow(
      "bad-bot.yaml: invalid bot definition:\n  - states.appointment.transitions[0].to: unknown state 'confrimed'",
    );
    const entries = await loadBotDirectory(dir);
    expect(entries.map((e) => [path.basename(e.file), e.bot?.id, e.error?.name])).toEqual([
      ['bad-bot.yaml', undefined, 'BotDefinitionError'],
      ['good.yml', 'appointment-reminder', undefined],
    ]);
  });

  it('falls back safely at run time when an optional variable has no value', async () => {
    const bot = parseBot(
      tiny(
        `  ask:
    type: ask
    prompt: Hello {{name}}, your code is {{code}}. Is that right?
    fallback: Hello {{name}}, is your code right?
    transitions: [{ intent: yes, to: bye }]
  bye: { type: end, prompt: 'Thanks {{name}}, code {{code}}.', disposition: done }`,
        'variables:\n  name: { required: true }\n  code: { required: false }',
      ),
    );
    const { logger, records } = memoryLogger();
    const turns = await converse(createDialog(bot, { name: 'Ravi' }, { logger }), [say('yes')]);
    expect(turns[0]?.text).toBe('Hello Ravi, is your code right?');
    expect(turns[0]?.trace.problem).toBe('missing value(s) for {{code}}');
    // No fallback text: the placeholder is dropped and the sentence tidied.
    expect(turns[1]?.text).toBe('Thanks Ravi, code.');
    expect(records.filter((r) => r.level === 'warn').map((r) => r.fields?.problem)).toEqual([
      'missing value(s) for {{code}}',
      'missing value(s) for {{code}}',
    ]);
    const full = await converse(createDialog(bot, { name: 'Ravi', code: 42 }), []);
    expect(full[0]?.text).toBe('Hello Ravi, your code is 42. Is that right?');
  });
});
