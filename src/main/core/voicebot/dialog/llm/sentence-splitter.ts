// Splits a model's streamed reply into segments a TTS can speak while the rest is still being
// generated: whole sentences, or ~200-character pieces when a sentence runs on.
//
// Segments are exact slices of the reply, so what is spoken is what is recorded: all segments joined
// with '' equal the reply trimmed, which is all the LLM dialog does to a reply's text (it strips
// nothing else, no markdown). So a segment never ends in whitespace; the whitespace between two
// sentences starts the next segment (TTS collapses it).

/** Words ending in '.' that do not end a sentence (compared in lower case). */
const ABBREVIATIONS = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'rs',
  'st',
  'jr',
  'sr',
  'prof',
  'smt',
  'shri',
  'sh',
  'vs',
  'approx',
  'ltd',
  'pvt',
  'inc',
]);

/**
 * A sentence end: terminal punctuation (. ! ? … and the Devanagari danda । ॥), maybe closing quotes or
 * brackets, then whitespace; or a line break. Punctuation at the very end of the text waits for the
 * next character (it may be "3." of "3.30").
 */
const END = /[.!?…।॥]+["'”’)\]]*(?=\s)|\n/g;

/** Default length after which a segment without a sentence end is cut at a comma or a space. */
export const MAX_SEGMENT_CHARS = 200;

export class SentenceSplitter {
  /** Text not emitted yet (after the first segment it starts with the whitespace before it). */
  private buffer = '';
  private started = false;

  constructor(private readonly maxChars = MAX_SEGMENT_CHARS) {}

  /** Adds a text delta; returns the segments it completed, in order. */
  push(delta: string): string[] {
    this.buffer += delta;
    if (!this.started) {
      this.buffer = this.buffer.trimStart();
      this.started = this.buffer !== '';
    }
    const out: string[] = [];
    for (let cut = this.nextCut(); cut > 0; cut = this.nextCut()) {
      out.push(this.buffer.slice(0, cut));
      this.buffer = this.buffer.slice(cut);
    }
    return out;
  }

  /** End of the stream: the remainder, if it has anything to say. */
  flush(): string[] {
    const rest = this.buffer.trimEnd();
    this.buffer = '';
    return rest.trim() === '' ? [] : [rest];
  }

  /** Where the next complete segment ends (its length in the buffer), or 0 for none yet. */
  private nextCut(): number {
    const text = this.buffer;
    const lead = text.length - text.trimStart().length;
    END.lastIndex = lead;
    for (let m = END.exec(text); m; m = END.exec(text)) {
      if (m[0] === '\n') {
        const cut = text.slice(0, m.index).trimEnd().length;
        if (cut > lead) return cut;
        continue;
      }
      if (m[0] === '.' && isAbbreviation(text.slice(lead, m.index))) continue;
      return m.index + m[0].length;
    }
    if (text.length - lead <= this.maxChars) return 0;
    return longCut(text, lead, this.maxChars);
  }
}

/** True when the word before a '.' is an abbreviation ("Dr", "e.g", an initial) rather than a sentence end. */
function isAbbreviation(before: string): boolean {
  const word = /[^\s]*$/.exec(before)?.[0].replace(/^[^\p{L}\p{N}]+/u, '') ?? '';
  if (word === '') return false;
  if (ABBREVIATIONS.has(word.toLowerCase())) return true;
  // An initial ("A. P. J. Abdul Kalam") or a dotted abbreviation ("e.g", "i.e", "U.S").
  return /^\p{Lu}$/u.test(word) || /^\p{L}(\.\p{L})+$/u.test(word);
}

/** A run-on segment: cut after the last comma, else before the last space, within `max` characters. */
function longCut(text: string, lead: number, max: number): number {
  const limit = lead + max;
  let comma = -1;
  for (const m of text.matchAll(/,(?=\s)/g)) {
    if (m.index >= limit) break;
    comma = m.index;
  }
  if (comma >= 0) return comma + 1;
  let space = -1;
  for (const m of text.matchAll(/\s+/g)) {
    if (m.index > limit) break;
    if (m.index > lead) space = m.index;
  }
  return space > lead ? space : limit; // no space at all: one very long word is cut
}
