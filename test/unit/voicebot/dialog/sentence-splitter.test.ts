import { describe, expect, it } from 'vitest';
import {
  MAX_SEGMENT_CHARS,
  SentenceSplitter,
} from '../../../../src/main/core/voicebot/dialog/llm/sentence-splitter';

/** Feeds the deltas one by one; returns the segments each push completed, and the flushed rest. */
function run(deltas: string[], max?: number): { pushed: string[][]; flushed: string[]; all: string[] } {
  const s = new SentenceSplitter(max);
  const pushed = deltas.map((d) => s.push(d));
  const flushed = s.flush();
  return { pushed, flushed, all: [...pushed.flat(), ...flushed] };
}

const chars = (text: string) => [...text];
/** A deterministic pseudo-random cut of `text` into deltas of 1–7 characters. */
function randomDeltas(text: string, seed: number): string[] {
  const out: string[] = [];
  let x = seed;
  for (let at = 0; at < text.length;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (x % 7);
    out.push(text.slice(at, at + n));
    at += n;
  }
  return out;
}

describe('SentenceSplitter', () => {
  it('emits a sentence as soon as the space after its end arrives; the rest is flushed at the end', () => {
    const { pushed, flushed } = run(['Hello there', '.', ' How', ' are you?']);
    expect(pushed).toEqual([[], [], ['Hello there.'], []]);
    expect(flushed).toEqual([' How are you?']);
  });

  it('splits at . ! ? and the danda, with closing quotes and brackets kept on the sentence', () => {
    const text = 'Yes! Really? "Fine." (Noted.) नमस्ते। आपका भुगतान बाकी है। Done';
    expect(run(chars(text)).all.map((s) => s.trim())).toEqual([
      'Yes!',
      'Really?',
      '"Fine."',
      '(Noted.)',
      'नमस्ते।',
      'आपका भुगतान बाकी है।',
      'Done',
    ]);
  });

  it('does not split inside numbers, even when the number arrives in two deltas', () => {
    const { pushed, all } = run(['The payment of 4,500 rupees is due at 3.', '30 today', '. Thank you.']);
    expect(pushed[0]).toEqual([]);
    expect(all).toEqual(['The payment of 4,500 rupees is due at 3.30 today.', ' Thank you.']);
  });

  it('does not split after abbreviations or initials', () => {
    const text =
      'Dr. Rao and Mr. Shah owe Rs. 500, e.g. by Friday. A. P. J. Kalam said so i.e. yes. Mrs. Das paid.';
    expect(run(chars(text)).all.map((s) => s.trim())).toEqual([
      'Dr. Rao and Mr. Shah owe Rs. 500, e.g. by Friday.',
      'A. P. J. Kalam said so i.e. yes.',
      'Mrs. Das paid.',
    ]);
  });

  it('a line break ends a segment too; blank lines say nothing', () => {
    expect(run(['First line\n', '\nSecond line\n  ']).all).toEqual(['First line', '\n\nSecond line']);
    expect(run(['  ', '\n ', '']).all).toEqual([]);
  });

  it('cuts a run-on segment at its last comma, else at its last space, within the limit', () => {
    const clause = 'and then the caller said that they would pay the amount next week';
    const text = `${clause}, ${clause}, ${clause}, ${clause}.`;
    const { all } = run(randomDeltas(text, 7));
    expect(all.length).toBeGreaterThan(1);
    for (const s of all) expect(s.trim().length).toBeLessThanOrEqual(MAX_SEGMENT_CHARS);
    expect(all[0]?.endsWith(',')).toBe(true);
    expect(all.join('')).toBe(text);

    const noCommas = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const cut = run(chars(noCommas), 50).all;
    expect(cut.length).toBeGreaterThan(5);
    for (const s of cut) {
      expect(s.trim().length).toBeLessThanOrEqual(50);
      expect(s.trim()).toMatch(/^word\d+( word\d+)*$/); // never inside a word
    }
    expect(run(['x'.repeat(120)], 50).all.map((s) => s.length)).toEqual([50, 50, 20]); // one huge word
  });

  it('segments are exact slices: joined they are the reply trimmed, however the deltas fall', () => {
    const text =
      '  Namaste Mr. Shah. Your loan L 4 4 1 9 has 4,500.50 rupees due!  Can you pay by the 10th?\nThanks… ' +
      'We will call again, if needed, on Friday at 3.30 PM। ';
    const reference = run([text]).all;
    expect(reference.map((s) => s.trim())).toEqual([
      'Namaste Mr. Shah.',
      'Your loan L 4 4 1 9 has 4,500.50 rupees due!',
      'Can you pay by the 10th?',
      'Thanks…',
      'We will call again, if needed, on Friday at 3.30 PM।',
    ]);
    for (let seed = 1; seed <= 50; seed++) {
      const { all } = run(randomDeltas(text, seed));
      expect(all).toEqual(reference);
      expect(all.join('')).toBe(text.trim());
      for (const s of all) expect(s).toBe(s.trimEnd()); // whitespace between sentences starts the next one
    }
  });
});
