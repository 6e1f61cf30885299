// Text normalisation shared by grammar generation and matching, so a cloud ASR's punctuated,
// capitalised output matches the same phrases a grammar ASR returns verbatim.

/** Lower case, accents and punctuation removed, words separated by single spaces. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[^a-z0-9']+/g, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export function words(text: string): string[] {
  const n = normaliseText(text);
  return n === '' ? [] : n.split(' ');
}

/** A word a grammar recogniser can have in its dictionary: letters, maybe an inner apostrophe. */
export const grammarWord = /^[a-z]+(?:'[a-z]+)*$/;

/** A phrase split into words and `{slot}` references. */
export type PhrasePart = { word: string } | { slot: string };

const slotRefs = /\{([a-z][a-z0-9_]*)\}/g;

/** Splits "on {day} please" into words and slot references; words are normalised. */
export function parsePhrase(phrase: string): PhrasePart[] {
  const parts: PhrasePart[] = [];
  phrase.split(slotRefs).forEach((piece, i) => {
    if (i % 2 === 1) parts.push({ slot: piece });
    else for (const word of words(piece)) parts.push({ word });
  });
  return parts;
}

/** Why a phrase cannot go into a grammar, or undefined when it can. */
export function phraseProblem(phrase: string): string | undefined {
  if (/[{}]/.test(phrase.replace(slotRefs, ''))) return `'${phrase}' has a malformed {slot} reference`;
  const parts = parsePhrase(phrase);
  if (parts.length === 0) return `'${phrase}' has no words`;
  for (const part of parts) {
    if ('word' in part && !grammarWord.test(part.word)) {
      return `'${phrase}': '${part.word}' is not a plain word (spell numbers out, e.g. 'two')`;
    }
  }
  return undefined;
}
