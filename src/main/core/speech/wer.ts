import { normalizeText } from './grammar';

export interface WerResult {
  /** (substitutions + deletions + insertions) / reference words; 0 for two empty texts. */
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  referenceWords: number;
}

const words = (text: string) => normalizeText(text).split(' ').filter(Boolean);

/** Word error rate of a hypothesis against a reference (both normalised: case, punctuation, digits). */
export function wordErrorRate(reference: string, hypothesis: string): WerResult {
  const ref = words(reference);
  const hyp = words(hypothesis);
  // cost[j] = [edits, subs, dels, ins] aligning ref[0..i) with hyp[0..j)
  type Cell = [number, number, number, number];
  let prev: Cell[] = hyp.map((_, j) => [j + 1, 0, 0, j + 1] as Cell);
  prev.unshift([0, 0, 0, 0]);
  for (let i = 1; i <= ref.length; i++) {
    const row: Cell[] = [[i, 0, i, 0]];
    for (let j = 1; j <= hyp.length; j++) {
      const diag = prev[j - 1] as Cell;
      const up = prev[j] as Cell;
      const left = row[j - 1] as Cell;
      const same = ref[i - 1] === hyp[j - 1];
      const options: Cell[] = [
        [diag[0] + (same ? 0 : 1), diag[1] + (same ? 0 : 1), diag[2], diag[3]],
        [up[0] + 1, up[1], up[2] + 1, up[3]],
        [left[0] + 1, left[1], left[2], left[3] + 1],
      ];
      row.push(options.reduce((best, c) => (c[0] < best[0] ? c : best)));
    }
    prev = row;
  }
  const [edits, substitutions, deletions, insertions] = prev[hyp.length] as Cell;
  const wer = ref.length === 0 ? (hyp.length === 0 ? 0 : 1) : edits / ref.length;
  return { wer, substitutions, deletions, insertions, referenceWords: ref.length };
}

/** Corpus WER: total edits over total reference words. */
export function corpusWordErrorRate(pairs: { reference: string; hypothesis: string }[]): WerResult {
  const total: WerResult = { wer: 0, substitutions: 0, deletions: 0, insertions: 0, referenceWords: 0 };
  for (const p of pairs) {
    const r = wordErrorRate(p.reference, p.hypothesis);
    total.substitutions += r.substitutions;
    total.deletions += r.deletions;
    total.insertions += r.insertions;
    total.referenceWords += r.referenceWords;
  }
  const edits = total.substitutions + total.deletions + total.insertions;
  total.wer = total.referenceWords === 0 ? (edits === 0 ? 0 : 1) : edits / total.referenceWords;
  return total;
}
