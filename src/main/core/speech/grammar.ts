/**
 * What a caller may say in one dialog state. Grammar recognisers (the offline default) recognise only
 * these phrases; free-form recognisers use them as a hint.
 */
export interface Grammar {
  phrases: string[];
}

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** Lower case, digits spelled out, punctuation dropped (apostrophes kept), single spaces. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[0-9]/g, (d) => ` ${ONES[Number(d)] ?? d} `)
    .replace(/[^a-z' ]+/g, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function normalizeGrammar(grammar: Grammar): string[] {
  const seen = new Set<string>();
  for (const p of grammar.phrases) {
    const n = normalizeText(p);
    if (n) seen.add(n);
  }
  return [...seen];
}

export function grammarWords(grammar: Grammar): string[] {
  return [...new Set(normalizeGrammar(grammar).flatMap((p) => p.split(' ')))];
}

/** A JSGF grammar whose public rule is one of the phrases. */
export function grammarToJsgf(grammar: Grammar, name = 'calldeck'): string {
  const phrases = normalizeGrammar(grammar);
  return `#JSGF V1.0;\ngrammar ${name};\npublic <utterance> = ${phrases.join(' | ')};\n`;
}
