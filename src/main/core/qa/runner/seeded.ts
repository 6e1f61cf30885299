import type { Scenario } from '../../../../shared/qa';

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same values on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: a stable seed from a scenario's name. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

/** The seed of one scenario run: the run's seed, the scenario's own (or its name's) and the repeat. */
export function scenarioRunSeed(runSeed: number, scenario: Scenario, repeat: number): number {
  return hashSeed(runSeed, scenario.seed ?? hashSeed(scenario.name), repeat);
}

// Given names and surnames common across India that the offline recogniser's dictionary (CMU en-US)
// holds, so the bot's lines that say them can be heard back by the evaluator's grammar.
const FIRST = [
  'Asha',
  'Ravi',
  'Arjun',
  'Anita',
  'Rahul',
  'Suresh',
  'Amit',
  'Sanjay',
  'Nina',
  'Maya',
  'Rita',
  'Mohan',
  'Krishna',
  'Ajay',
  'Rohan',
  'Sonia',
  'Sunil',
  'Ramesh',
];
const LAST = [
  'Rao',
  'Sharma',
  'Patel',
  'Iyer',
  'Singh',
  'Reddy',
  'Nair',
  'Gupta',
  'Das',
  'Menon',
  'Joshi',
  'Kumar',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

/** The contact row for one scenario run: given values as they are, generated ones from the seed. */
export function scenarioVariables(scenario: Scenario, seed: number): Record<string, string> {
  const rand = prng(seed);
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(scenario.variables)) {
    if (typeof spec === 'string') {
      out[name] = spec;
      continue;
    }
    switch (spec.generate) {
      case 'indian_name':
        out[name] = `${pick(rand, FIRST)} ${pick(rand, LAST)}`;
        break;
      case 'indian_mobile':
        out[name] = `+91${pick(rand, ['9', '8', '7'])}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;
        break;
      case 'weekday':
        out[name] = pick(rand, DAYS);
        break;
      case 'pick':
        out[name] = pick(rand, spec.from ?? ['']);
        break;
    }
  }
  return out;
}
