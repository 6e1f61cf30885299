import { describe, expect, it } from 'vitest';
import {
  corpusWordErrorRate,
  grammarToJsgf,
  grammarWords,
  normalizeText,
  wordErrorRate,
} from '../../../src/main/core/speech';

describe('wordErrorRate', () => {
  it('counts substitutions, deletions and insertions against the reference', () => {
    expect(wordErrorRate('a b c d', 'a b c d')).toMatchObject({ wer: 0, referenceWords: 4 });
    expect(wordErrorRate('a b c d', 'a x c')).toEqual({
      wer: 0.5,
      substitutions: 1,
      deletions: 1,
      insertions: 0,
      referenceWords: 4,
    });
    expect(wordErrorRate('yes', 'yes yes please')).toMatchObject({ wer: 2, insertions: 2 });
    expect(wordErrorRate('one two', '')).toMatchObject({ wer: 1, deletions: 2 });
    expect(wordErrorRate('', '')).toMatchObject({ wer: 0 });
    expect(wordErrorRate('', 'noise')).toMatchObject({ wer: 1 });
  });

  it('ignores case, punctuation and digit spelling', () => {
    expect(wordErrorRate('Yes, Monday at 5!', 'yes monday at five').wer).toBe(0);
  });

  it('pools edits over a corpus', () => {
    const r = corpusWordErrorRate([
      { reference: 'a b c d', hypothesis: 'a b c d' },
      { reference: 'e f', hypothesis: 'e g' },
    ]);
    expect(r).toMatchObject({ substitutions: 1, referenceWords: 6 });
    expect(r.wer).toBeCloseTo(1 / 6, 10);
  });
});

describe('grammar', () => {
  it('normalises phrases and builds JSGF', () => {
    expect(normalizeText("  Cancel, it's 2 days!  ")).toBe("cancel it's two days");
    const g = { phrases: ['Yes', 'yes', 'Talk to an agent.', '  '] };
    expect(grammarWords(g)).toEqual(['yes', 'talk', 'to', 'an', 'agent']);
    expect(grammarToJsgf(g)).toBe(
      '#JSGF V1.0;\ngrammar calldeck;\npublic <utterance> = yes | talk to an agent;\n',
    );
  });
});
