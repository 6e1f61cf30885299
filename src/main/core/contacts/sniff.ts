/** Guesses about a text file from its first bytes: is it text at all, and what separates fields. */

export type Delimiter = ',' | ';' | '\t' | '|';
const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];

/**
 * True when the sample looks like binary data rather than text: NUL characters, or more than 1% of
 * control characters other than tab, CR, LF and form feed.
 */
export function looksBinary(sample: string): boolean {
  if (sample.length === 0) return false;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || (c >= 0x7f && c < 0xa0) || c === 0xfffd)
      control++;
  }
  return control / sample.length > 0.01;
}

/** Counts each candidate delimiter on one line, ignoring what sits inside double quotes. */
function countOutsideQuotes(line: string): Map<Delimiter, number> {
  const counts = new Map<Delimiter, number>(CANDIDATES.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch as Delimiter))
      counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  return counts;
}

/**
 * Picks the delimiter that splits the first lines most consistently (same count on most lines,
 * at least one per line). A one-column file has none; ',' is then as good as any.
 */
export function sniffDelimiter(sample: string): Delimiter {
  const lines = sample
    .split(/\r\n|\n|\r/)
    .slice(0, 50)
    .filter((l) => l.trim() !== '');
  // The last line of a sample may be cut short.
  if (lines.length > 2) lines.pop();
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => countOutsideQuotes(l).get(d) ?? 0);
    const freq = new Map<number, number>();
    for (const c of counts) if (c > 0) freq.set(c, (freq.get(c) ?? 0) + 1);
    let modeLines = 0;
    for (const n of freq.values()) modeLines = Math.max(modeLines, n);
    // Lines agreeing on one non-zero count, weighted a little by how many fields that makes.
    const score = modeLines + (modeLines > 0 ? Math.min(counts.reduce((a, b) => a + b, 0) / 1e6, 0.5) : 0);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}
