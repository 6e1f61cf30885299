import { normalizeText, type Asr, type Audio } from '../../speech';
import { renderTemplate, type ScriptBot } from '../../voicebot';

// How the bot's audio becomes text. A free-form recogniser (the configured cloud ASR) hears anything.
// Offline, the grammar recogniser only hears phrases it is given: we give it every line the bot under
// test can say (its prompts with this run's variables and every slot value filled in, and its retry
// lines). That honestly tells which of its own lines a bot said (a wrong day, a missing goodbye, a
// cancel treated as a confirm), but it cannot hear words the bot has no line for: a script bot saying
// something outside its script would be heard as its nearest line. The evaluator's notes say which
// way each run was transcribed.

export interface Transcriber {
  /** Shown in the evaluation's notes, e.g. "soundswallower, grammar of the bot's 48 lines". */
  readonly description: string;
  transcribe(audio: Audio): Promise<string>;
  /**
   * For a reply the recogniser placed nowhere: hears it as the start of one of the lines (a bot cut
   * short by a barge-in or a hang-up says only the first words of its line). Grammar transcribers only.
   */
  transcribeCut?(audio: Audio): Promise<string>;
}

/** Shortest start of a line a cut reply is heard as (fewer words match too much by chance). */
const MIN_CUT_WORDS = 3;
/** Silence added around a cut reply before it is heard again. */
const CUT_PAD_MS = 300;
/** The cut grammar is bounded: a bot with very many long lines keeps only the first prefixes. */
const MAX_CUT_PHRASES = 5000;

/** Every start of each phrase of at least MIN_CUT_WORDS words (the whole phrases included). */
export function linePrefixes(phrases: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of phrases) {
    const words = normalizeText(p).split(' ').filter(Boolean);
    for (let n = Math.min(MIN_CUT_WORDS, words.length); n <= words.length; n++) {
      out.add(words.slice(0, n).join(' '));
      if (out.size >= MAX_CUT_PHRASES) return [...out];
    }
  }
  return [...out];
}

/**
 * Scoring is not a live turn: on a recogniser shared with live calls (the offline pool orders its
 * queue by deadline), their decodes (400 ms) go first, and a long reply's decode is not counted late.
 */
const SCORING_DEADLINE_MS = 60_000;

/** Recognition is bounded per utterance (the Asr's limit is 120 s); a longer reply is cut. */
const MAX_MS = 110_000;

function capped(audio: Audio): Audio {
  const max = Math.floor((audio.sampleRate * MAX_MS) / 1000) * 2;
  return audio.pcm.length > max ? { pcm: audio.pcm.subarray(0, max), sampleRate: audio.sampleRate } : audio;
}

export function freeFormTranscriber(asr: Asr, language?: string): Transcriber {
  return {
    description: `${asr.provider}, free-form`,
    transcribe: async (audio) =>
      (await asr.recognize(capped(audio), { language, deadlineMs: SCORING_DEADLINE_MS })).text,
  };
}

export function grammarTranscriber(asr: Asr, phrases: readonly string[], what: string): Transcriber {
  const unique = [...new Set(phrases)];
  let cut: string[] | undefined;
  return {
    description: `${asr.provider}, grammar of ${what} (${unique.length} phrases)`,
    transcribe: async (audio) =>
      (await asr.recognize(capped(audio), { grammar: { phrases: unique }, deadlineMs: SCORING_DEADLINE_MS }))
        .text,
    transcribeCut: async (audio) => {
      cut ??= linePrefixes(unique);
      // Silence either side: a reply cut mid-word ends in a part of a word, which the search cannot
      // end on; with silence after it, it can (measured: a barge-in's cut line was heard only so).
      const pad = Buffer.alloc(Math.round((audio.sampleRate * CUT_PAD_MS) / 1000) * 2);
      const padded = { pcm: Buffer.concat([pad, capped(audio).pcm, pad]), sampleRate: audio.sampleRate };
      return (await asr.recognize(padded, { grammar: { phrases: cut }, deadlineMs: SCORING_DEADLINE_MS }))
        .text;
    },
  };
}

/** Every value a `{{slot.x}}` may take: the slot's canonical values (what the bot speaks). */
function slotValues(bot: ScriptBot, slot: string): string[] {
  const spec = bot.slots[slot];
  if (!spec) return [];
  return Array.isArray(spec.values) ? spec.values : Object.keys(spec.values);
}

/** A template rendered with the variables, once per value of each slot it names (bounded). */
function expand(bot: ScriptBot, template: string, variables: Record<string, string>): string[] {
  const slotNames = [...template.matchAll(/\{\{\s*slot\.([a-z][a-z0-9_]*)\s*\}\}/g)].map((m) => m[1] ?? '');
  let fills: Record<string, string>[] = [{}];
  for (const name of new Set(slotNames)) {
    fills = fills.flatMap((f) => slotValues(bot, name).map((v) => ({ ...f, [name]: v }))).slice(0, 200);
  }
  const out: string[] = [];
  for (const fill of fills) {
    const r = renderTemplate(template, (name) => {
      if (name.startsWith('slot.')) return fill[name.slice(5)];
      return variables[name] ?? bot.variables[name]?.default;
    });
    if (r.missing.length === 0) out.push(r.text);
  }
  return out;
}

/** Every line a script bot can say in a run with these variables (prompts, fallbacks, retries). */
export function scriptBotLines(bot: ScriptBot, variables: Record<string, string>): string[] {
  const lines = new Set<string>();
  const add = (template: string | undefined) => {
    if (template) for (const l of expand(bot, template, variables)) lines.add(l);
  };
  for (const state of Object.values(bot.states)) {
    add(state.prompt);
    add(state.fallback);
    if (state.type !== 'ask') continue;
    const again = [
      ...expand(bot, state.reprompt ?? state.prompt, variables),
      ...(state.fallback ? expand(bot, state.fallback, variables) : []),
    ];
    for (const policy of [state.no_input ?? bot.no_input, state.no_match ?? bot.no_match]) {
      for (const apology of expand(bot, policy.prompt, variables))
        for (const a of again) lines.add(`${apology} ${a}`);
    }
  }
  return [...lines];
}
