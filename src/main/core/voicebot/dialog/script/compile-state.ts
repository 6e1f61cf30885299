import type { AskStateDef, ScriptBot, TransitionDef } from '../bot-schema';
import { parsePhrase, phraseProblem } from '../text';
import type { StateGrammar } from '../types';
import { buildJsgf, type JsgfRule } from './jsgf';

/** One way of saying one transition's intent, slot values expanded. */
export interface PhraseEntry {
  words: string[];
  transition: number;
  slot?: { name: string; value: string };
}

/** An ask state ready for listening and matching. */
export interface CompiledAskState {
  id: string;
  /** The state's own transitions, then the global ones whose intent the state does not already use. */
  transitions: TransitionDef[];
  entries: PhraseEntry[];
  dtmf: Map<string, number>;
  grammar: StateGrammar;
  /** The same words (or key) leading to two different outcomes: reported by the load checks. */
  conflicts: string[];
}

interface SlotForm {
  value: string;
  words: string[];
}

export function slotForms(bot: ScriptBot, slot: string): SlotForm[] {
  const spec = bot.slots[slot];
  if (!spec) return [];
  const pairs: [string, string[]][] = Array.isArray(spec.values)
    ? spec.values.map((v) => [v, [v]])
    : Object.entries(spec.values);
  return pairs.flatMap(([value, forms]) =>
    forms.map((form) => ({ value, words: parsePhrase(form).flatMap((p) => ('word' in p ? [p.word] : [])) })),
  );
}

function effectiveTransitions(bot: ScriptBot, state: AskStateDef): TransitionDef[] {
  const own = new Set(state.transitions.map((t) => t.intent));
  return [...state.transitions, ...bot.global_transitions.filter((t) => !own.has(t.intent))];
}

function sanitise(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(s) ? s : `g_${s}`;
}

/** Compiles one ask state: phrase table, DTMF keys, grammar (phrases + JSGF). Skips unknown references. */
export function compileAskState(bot: ScriptBot, id: string, state: AskStateDef): CompiledAskState {
  const transitions = effectiveTransitions(bot, state);
  const entries: PhraseEntry[] = [];
  const dtmf = new Map<string, number>();
  const conflicts: string[] = [];
  const rules: JsgfRule[] = [];
  const slotRules = new Map<string, JsgfRule>();
  const seen = new Map<string, PhraseEntry>();

  transitions.forEach((t, index) => {
    const intent = bot.intents[t.intent];
    if (!intent) return;
    for (const key of t.dtmf ?? intent.dtmf ?? []) {
      const other = dtmf.get(key);
      if (other !== undefined && other !== index) {
        conflicts.push(`key ${key} is used by both '${transitions[other]?.intent}' and '${t.intent}'`);
      } else dtmf.set(key, index);
    }
    const alternatives: string[] = [];
    for (const phrase of intent.phrases) {
      if (phraseProblem(phrase)) continue;
      const parts = parsePhrase(phrase);
      alternatives.push(parts.map((p) => ('word' in p ? p.word : `<s_${p.slot}>`)).join(' '));
      const slotName = parts.find((p) => 'slot' in p);
      const forms: (SlotForm | undefined)[] =
        slotName && 'slot' in slotName ? slotForms(bot, slotName.slot) : [undefined];
      for (const form of forms) {
        const w = parts.flatMap((p) => ('word' in p ? [p.word] : (form?.words ?? [])));
        const entry: PhraseEntry = { words: w, transition: index };
        if (form && slotName && 'slot' in slotName) entry.slot = { name: slotName.slot, value: form.value };
        const key = w.join(' ');
        const prior = seen.get(key);
        if (prior && (prior.transition !== index || prior.slot?.value !== entry.slot?.value)) {
          const a = transitions[prior.transition]?.intent ?? '?';
          conflicts.push(`phrase '${key}' matches both '${a}' and '${t.intent}'`);
          continue;
        }
        if (!prior) {
          seen.set(key, entry);
          entries.push(entry);
        }
      }
      if (slotName && 'slot' in slotName && !slotRules.has(slotName.slot)) {
        const forms2 = slotForms(bot, slotName.slot).map((f) => f.words.join(' '));
        slotRules.set(slotName.slot, { name: `s_${slotName.slot}`, alternatives: forms2 });
      }
    }
    rules.push({ name: `i_${t.intent}`, alternatives });
  });

  const grammarName = sanitise(`${bot.id}_${id}`);
  const top: JsgfRule = { name: 'utterance', alternatives: rules.map((r) => `<${r.name}>`), isPublic: true };
  const allRules = [top, ...rules, ...slotRules.values()];
  const words = new Set<string>();
  for (const r of allRules) {
    for (const alt of r.alternatives) for (const w of alt.split(' ')) if (!w.startsWith('<')) words.add(w);
  }
  return {
    id,
    transitions,
    entries,
    dtmf,
    grammar: {
      phrases: entries.map((e) => e.words.join(' ')),
      name: grammarName,
      topRule: 'utterance',
      jsgf: buildJsgf(grammarName, allRules),
      words: [...words].sort(),
    },
    conflicts,
  };
}

/** Every ask state compiled once per bot definition object. */
const cache = new WeakMap<ScriptBot, Map<string, CompiledAskState>>();

export function compileScript(bot: ScriptBot): Map<string, CompiledAskState> {
  const hit = cache.get(bot);
  if (hit) return hit;
  const out = new Map<string, CompiledAskState>();
  for (const [id, state] of Object.entries(bot.states)) {
    if (state.type === 'ask') out.set(id, compileAskState(bot, id, state));
  }
  cache.set(bot, out);
  return out;
}
