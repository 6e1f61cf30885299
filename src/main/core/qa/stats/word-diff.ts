// A word-level diff of two transcript lines (LCS), for comparing what the bot said in two runs.

export type DiffOp = { op: 'same' | 'removed' | 'added'; text: string };

/** Bounded: a turn is a few sentences; longer inputs are compared as two whole blocks. */
const MAX_WORDS = 2000;

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** Words of `a` removed, words of `b` added, in order; adjacent words of one kind are joined. */
export function wordDiff(a: string, b: string): DiffOp[] {
  const x = words(a);
  const y = words(b);
  if (x.length * y.length > (MAX_WORDS * MAX_WORDS) / 4)
    return coalesce([
      ...x.map((text) => ({ op: 'removed' as const, text })),
      ...y.map((text) => ({ op: 'added' as const, text })),
    ]);
  const key = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
  // lcs[i][j] = length of the LCS of x[i..] and y[j..]
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        key(x[i] as string) === key(y[j] as string)
          ? (lcs[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    const xi = x[i];
    const yj = y[j];
    if (xi !== undefined && yj !== undefined && key(xi) === key(yj)) {
      ops.push({ op: 'same', text: yj });
      i++;
      j++;
    } else if (xi !== undefined && (yj === undefined || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Removals before additions on a tie, so a changed word reads "old → new".
      ops.push({ op: 'removed', text: xi });
      i++;
    } else if (yj !== undefined) {
      ops.push({ op: 'added', text: yj });
      j++;
    }
  }
  return coalesce(ops);
}

function coalesce(ops: DiffOp[]): DiffOp[] {
  const out: DiffOp[] = [];
  for (const o of ops) {
    const last = out[out.length - 1];
    if (last && last.op === o.op) last.text += ` ${o.text}`;
    else out.push({ ...o });
  }
  return out;
}
