import type { Says } from '../../../../shared/qa';
import { normalizeText } from '../../speech';

// Text checks on what the bot said (its transcribed audio). `contains` compares whole words after
// folding case, punctuation and digits (so "Monday." matches "monday" and "5" matches "five");
// `regex` is tried, case-insensitively, on the text as heard and on its folded form.

export function saysMatches(says: Says, heard: string): boolean {
  if (typeof says === 'string' || 'contains' in says) {
    const needle = normalizeText(typeof says === 'string' ? says : says.contains);
    if (!needle) return true;
    return ` ${normalizeText(heard)} `.includes(` ${needle} `);
  }
  const re = new RegExp(says.regex, 'i');
  return re.test(heard) || re.test(normalizeText(heard));
}

export function describeSays(says: Says): string {
  if (typeof says === 'string') return `contains ${JSON.stringify(says)}`;
  if ('contains' in says) return `contains ${JSON.stringify(says.contains)}`;
  return `regex /${says.regex}/`;
}
