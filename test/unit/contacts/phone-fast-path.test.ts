import { describe, expect, it } from 'vitest';
import {
  fastIndianMobile,
  normalisePhone,
  normalisePhoneFull,
  type PhoneRegion,
} from '../../../src/main/core/contacts/phone';

/** A small seeded PRNG (mulberry32), so a failure names an input that reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = [
  '',
  '',
  '',
  '+91',
  '91',
  '0',
  '+91 ',
  '+91-',
  '91 ',
  '0 ',
  '+',
  '+9',
  '00',
  '0091',
  '+1',
  '+44',
];
// Separators the fast path takes, ones only the full path takes, and junk it must refuse.
const SEPARATORS = [' ', ' ', '-', '-', '  ', '.', '/', '(', ')', '\u00a0', ',', 'x', '*', '+', '\t'];
const EDGES = [' ', "'", '-', '+', '  ', '\u200b', '="', '.0', 'e', '#'];

/** A phone-like cell: a prefix, 6–14 digits (biased to 10), maybe separators, maybe junk at the edges. */
function generate(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const length = next() < 0.6 ? 10 : 6 + Math.floor(next() * 9);
  let digits = '';
  for (let i = 0; i < length; i++) digits += String(Math.floor(next() * 10));
  if (next() < 0.7) digits = String(6 + Math.floor(next() * 4)) + digits.slice(1);
  let body = '';
  for (let i = 0; i < digits.length; i++) {
    body += digits[i];
    if (i < digits.length - 1 && next() < 0.06) body += pick(SEPARATORS);
  }
  const edge = () => (next() < 0.75 ? '' : pick(EDGES));
  return edge() + pick(PREFIXES) + body + edge();
}

describe('the Indian mobile fast path gives exactly what the full path gives', () => {
  it(
    'over 200,000 generated cells: identical E.164 and identical rejection reasons',
    { timeout: 60_000 },
    () => {
      const next = rng(20240601);
      let fastHits = 0;
      let rejected = 0;
      for (let i = 0; i < 200_000; i++) {
        const cell = generate(next);
        const full = normalisePhoneFull(cell, 'IN');
        const fast = fastIndianMobile(cell);
        if (fast !== undefined) {
          fastHits++;
          // The fast path only accepts, and only what the full path accepts as the same number.
          if (!full.ok || full.e164 !== fast || full.recovered)
            expect({ cell, fast }).toEqual({ cell, fast: full });
        }
        const combined = normalisePhone(cell, 'IN');
        if (!full.ok) rejected++;
        if (JSON.stringify(combined) !== JSON.stringify(full))
          expect({ cell, combined }).toEqual({ cell, full });
      }
      // The generator must exercise both sides: many fast hits, and many cells left to the full path.
      expect(fastHits).toBeGreaterThan(25_000);
      expect(rejected).toBeGreaterThan(40_000);
      expect(200_000 - fastHits - rejected).toBeGreaterThan(10_000);
    },
  );

  it('over every 4-digit mobile prefix 6000–9999 in each accepted shape', () => {
    const next = rng(7);
    const shapes = (d: string) => [
      d,
      `0${d}`,
      `91${d}`,
      `+91${d}`,
      `+91 ${d.slice(0, 5)}-${d.slice(5)}`,
      `${d.slice(0, 5)} ${d.slice(5)}`,
      `0${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
    ];
    let checked = 0;
    for (let p = 6000; p <= 9999; p++) {
      const d = String(p) + String(Math.floor(next() * 1e6)).padStart(6, '0');
      for (const cell of shapes(d)) {
        const fast = fastIndianMobile(cell);
        const full = normalisePhoneFull(cell, 'IN');
        if (fast !== `+91${d}` || !full.ok || full.e164 !== fast)
          expect({ cell, fast }).toEqual({ cell, full });
        checked++;
      }
    }
    expect(checked).toBe(4000 * 7);
  });

  it('leaves other shapes and other regions to the full path', () => {
    for (const cell of ['5876543210', '+91 5876543210', '0091 98765 43210', '98765.43210', "'9876543210"])
      expect(fastIndianMobile(cell)).toBeUndefined();
    const next = rng(99);
    for (const region of ['US', 'GB', 'AE'] as PhoneRegion[])
      for (let i = 0; i < 2000; i++) {
        const cell = generate(next);
        expect(normalisePhone(cell, region)).toEqual(normalisePhoneFull(cell, region));
      }
  });
});
