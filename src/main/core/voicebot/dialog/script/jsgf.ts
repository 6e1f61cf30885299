// JSGF text for grammar-mode recognisers (soundswallower / pocketsphinx).

export interface JsgfRule {
  /** Rule name without angle brackets: letters, digits, underscore. */
  name: string;
  /** Each alternative: plain words and <rule> references separated by single spaces. */
  alternatives: string[];
  isPublic?: boolean;
}

/** Builds a JSGF V1.0 grammar. Duplicate alternatives are dropped; an empty rule becomes <VOID>. */
export function buildJsgf(grammarName: string, rules: JsgfRule[]): string {
  const lines = ['#JSGF V1.0;', `grammar ${grammarName};`];
  for (const rule of rules) {
    const alts = [...new Set(rule.alternatives.filter((a) => a.trim() !== ''))];
    const body = alts.length ? alts.join(' | ') : '<VOID>';
    lines.push(`${rule.isPublic ? 'public ' : ''}<${rule.name}> = ${body};`);
  }
  return lines.join('\n') + '\n';
}
