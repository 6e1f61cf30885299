import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileScript,
  loadBotFile,
  matchSpeech,
  normaliseText,
  parseBot,
  type CompiledAskState,
  type ScriptBot,
} from '../../../../src/main/core/voicebot';
import { demoBotFile, repoRoot } from './helpers';

let bot: ScriptBot;
let states: Map<string, CompiledAskState>;
beforeAll(async () => {
  const loaded = await loadBotFile(demoBotFile);
  if (loaded.kind !== 'script') throw new Error('the demo bot must be a script bot');
  bot = loaded;
  states = compileScript(bot);
});

const modelDir = path.join(repoRoot, 'node_modules/soundswallower/model');

describe('JSGF per state', () => {
  it('has the JSGF V1.0 shape: header, grammar name, one public top rule, every referenced rule defined', () => {
    expect(states.size).toBe(5);
    for (const [id, state] of states) {
      const lines = state.grammar.jsgf.trimEnd().split('\n');
      expect(lines[0]).toBe('#JSGF V1.0;');
      expect(lines[1]).toBe(`grammar ${state.grammar.name};`);
      expect(state.grammar.name).toBe(`appointment_reminder_${id}`);
      const rules = lines.slice(2);
      expect(rules.filter((l) => l.startsWith('public ')).length).toBe(1);
      expect(rules[0]).toMatch(new RegExp(`^public <${state.grammar.topRule}> = `));
      const defined = new Set(rules.map((l) => /^(?:public )?<(\w+)> = .+;$/.exec(l)?.[1]));
      expect(defined.has(undefined)).toBe(false);
      for (const ref of state.grammar.jsgf.matchAll(/<(\w+)>/g)) expect(defined.has(ref[1])).toBe(true);
      // One alternative per transition in the top rule, the global "agent" transition included.
      const top = rules[0]?.split(' = ')[1]?.replace(/;$/, '').split(' | ') ?? [];
      expect(top).toEqual(state.transitions.map((t) => `<i_${t.intent}>`));
      expect(state.transitions.some((t) => t.intent === 'agent')).toBe(true);
    }
  });

  it('expands a slot into its own rule and lists the words the grammar uses', () => {
    const askDay = states.get('ask_day');
    expect(askDay?.grammar.jsgf).toContain('<i_day> = <s_day> | on <s_day> | next <s_day>');
    expect(askDay?.grammar.jsgf).toContain(
      '<s_day> = monday | tuesday | wednesday | thursday | friday | saturday | sunday | tomorrow;',
    );
    expect(askDay?.grammar.words).toContain('tomorrow');
    expect(askDay?.grammar.words).toEqual([...(askDay?.grammar.words ?? [])].sort());
    expect(askDay?.grammar.words.some((w) => w.includes('<'))).toBe(false);
  });

  it('uses only words of the CMU en-US dictionary shipped with soundswallower', () => {
    const dict = new Set(
      fs
        .readFileSync(path.join(modelDir, 'en-us/dict.txt'), 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[0]),
    );
    const missing = [...states.values()].flatMap((s) => s.grammar.words.filter((w) => !dict.has(w)));
    expect(missing).toEqual([]);
  });

  it('is accepted by soundswallower for every state', async () => {
    // ESM-only package: dynamic import, model path given explicitly (~0.5 s to load).
    const { default: createModule } = await import('soundswallower');
    const ss = await createModule({ modelBase: `${modelDir}/` } as Parameters<typeof createModule>[0]);
    const decoder = new ss.Decoder({ samprate: 8000, loglevel: 'ERROR' });
    await decoder.initialize();
    try {
      for (const state of states.values()) {
        expect(() => decoder.set_grammar(state.grammar.jsgf), state.id).not.toThrow();
      }
      // And it does reject a broken one, so the check above means something.
      expect(() => decoder.set_grammar('#JSGF V1.0;\ngrammar g;\npublic <a> = yes | ;\n')).toThrow();
    } finally {
      decoder.delete();
    }
  });
});

describe('mapping what was heard back to intent and slot', () => {
  it('maps every phrase a grammar ASR can return to its own transition', () => {
    let checked = 0;
    for (const state of states.values()) {
      for (const entry of state.entries) {
        const m = matchSpeech(state, entry.words.join(' '));
        expect(m).toMatchObject({ kind: 'match', transition: entry.transition });
        if (entry.slot && m.kind === 'match') expect(m.slot).toEqual(entry.slot);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('matches free-form ASR text tolerantly: case, punctuation, extra words', () => {
    const identity = states.get('identity');
    const askDay = states.get('ask_day');
    if (!identity || !askDay) throw new Error('demo bot states missing');
    const intentOf = (state: CompiledAskState, text: string) => {
      const m = matchSpeech(state, text);
      return m.kind === 'match' ? state.transitions[m.transition]?.intent : m.kind;
    };
    expect(intentOf(identity, 'Yes.')).toBe('yes');
    expect(intentOf(identity, "Yeah, that's right, it is me!")).toBe('yes');
    expect(intentOf(identity, 'NO… wrong number')).toBe('no');
    expect(intentOf(identity, 'Could I TALK TO SOMEONE, please?')).toBe('agent');
    expect(intentOf(identity, 'I am not sure what you mean')).toBe('none');
    expect(intentOf(identity, 'yesterday')).toBe('none');
    // A phrase right after a negation is not taken at its word.
    expect(intentOf(identity, "I'm not sure")).toBe('none');
    expect(intentOf(identity, "I don't want to talk to someone, yes it is me")).toBe('yes');
    const day = matchSpeech(askDay, 'Hmm, let me think. Next Thursday would be good.');
    expect(day).toMatchObject({ kind: 'match', slot: { name: 'day', value: 'thursday' } });
    expect(matchSpeech(askDay, 'monday or tuesday')).toMatchObject({ kind: 'ambiguous' });
  });

  it('normalises text the same way for phrases and speech', () => {
    expect(normaliseText('  Don’t   CANCEL—it, please!! ')).toBe("don't cancel it please");
    expect(normaliseText('Café ÉTÉ')).toBe('cafe ete');
    expect(normaliseText("'quoted' words")).toBe('quoted words');
    expect(normaliseText('...')).toBe('');
  });

  it('accepts slot values with several spoken forms and reports the canonical value', () => {
    const custom = parseBot(`
kind: script
id: slot-forms
name: Slot forms
intents:
  when: { slot: when, phrases: ['{when}', 'on {when}'] }
slots:
  when:
    values:
      weekend: [weekend, the weekend, saturday or sunday]
      soon: [soon, as soon as possible]
no_input: { prompt: Sorry., limit: 2, then: bye }
no_match: { prompt: Sorry., limit: 2, then: bye }
start: ask
states:
  ask: { type: ask, prompt: When?, transitions: [{ intent: when, to: bye }] }
  bye: { type: end, prompt: 'Bye, {{slot.when}}.', disposition: done }
`);
    const ask = compileScript(custom as ScriptBot).get('ask');
    if (!ask) throw new Error('state ask missing');
    expect(matchSpeech(ask, 'on the weekend')).toMatchObject({ slot: { value: 'weekend' } });
    expect(matchSpeech(ask, 'as soon as possible please')).toMatchObject({ slot: { value: 'soon' } });
    expect(ask.grammar.jsgf).toContain('<s_when> = weekend | the weekend | saturday or sunday | soon');
  });
});
