import { words } from '../text';
import type { CompiledAskState, PhraseEntry } from './compile-state';

export type SpeechMatch =
  | { kind: 'match'; transition: number; phrase: string; slot?: { name: string; value: string } }
  | { kind: 'none' }
  | { kind: 'ambiguous'; phrases: string[] };

/** Words that turn a following phrase into its opposite ("not sure", "don't want to cancel"). */
const NEGATORS = new Set(['not', "don't", 'dont', 'never', "doesn't", "isn't", "won't", "wouldn't"]);
const NEGATION_WINDOW = 3;

/** True when the phrase occurs in a row in what was said, not just after a negating word. */
function occursIn(needle: string[], hay: string[]): boolean {
  if (needle.length === 0 || needle.length > hay.length) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    const before = hay.slice(Math.max(0, i - NEGATION_WINDOW), i);
    if (!before.some((w) => NEGATORS.has(w))) return true;
  }
  return false;
}

/**
 * Matches what the caller said against a state's phrases. A grammar ASR returns a phrase verbatim (an
 * exact match); a free-form ASR returns a sentence, so a phrase also matches when its words occur in a
 * row inside it (and not right after "not", "don't"...). The longest phrase wins; a tie between
 * different outcomes is ambiguous (no guess).
 */
export function matchSpeech(state: CompiledAskState, text: string): SpeechMatch {
  const said = words(text);
  if (said.length === 0) return { kind: 'none' };
  const joined = said.join(' ');
  const exact = state.entries.find((e) => e.words.join(' ') === joined);
  const hits = exact ? [exact] : state.entries.filter((e) => occursIn(e.words, said));
  if (hits.length === 0) return { kind: 'none' };
  const best = Math.max(...hits.map((e) => e.words.length));
  const top = hits.filter((e) => e.words.length === best);
  // Two phrases leading to the same place with the same slot value are not a real ambiguity.
  const outcome = (e: PhraseEntry) => `${state.transitions[e.transition]?.to}\u0000${e.slot?.value ?? ''}`;
  const outcomes = new Set(top.map(outcome));
  const first = top[0];
  if (outcomes.size > 1 || !first) return { kind: 'ambiguous', phrases: top.map((e) => e.words.join(' ')) };
  const m: SpeechMatch = { kind: 'match', transition: first.transition, phrase: first.words.join(' ') };
  if (first.slot) m.slot = first.slot;
  return m;
}
