import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calleeFor,
  CalleeScriptSchema,
  loadCalleeScript,
  parseCalleeScript,
  sharePoint,
} from '../../../src/main/core/telephony/sandbox/script';

const numbers = (n: number) =>
  Array.from({ length: n }, (_, i) => `+9198${String(10_000_000 + i * 7919).slice(-8)}`);

describe('callee scripts at campaign scale', () => {
  it('spreads numbers over the shares as asked, the same way for the same seed', () => {
    const script = loadCalleeScript(path.resolve('resources/sandbox/campaign-day.yaml'));
    const list = numbers(10_000);
    const counts = new Map<string, number>();
    for (const n of list) {
      const c = calleeFor(script, n);
      const key = c.outcome === 'answer' && c.agentTalkSec === 60 ? 'transfer' : c.outcome;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // 60% answer, 15% busy, 15% no answer, 5% machine, 5% transfer: each within 1.5 points.
    const share = (k: string) => (counts.get(k) ?? 0) / list.length;
    expect(share('answer')).toBeCloseTo(0.6, 1);
    expect(Math.abs(share('answer') - 0.6)).toBeLessThan(0.015);
    expect(Math.abs(share('busy') - 0.15)).toBeLessThan(0.015);
    expect(Math.abs(share('no-answer') - 0.15)).toBeLessThan(0.015);
    expect(Math.abs(share('voicemail') - 0.05)).toBeLessThan(0.015);
    expect(Math.abs(share('transfer') - 0.05)).toBeLessThan(0.015);
    // Deterministic per number and seed; another seed deals differently.
    const again = loadCalleeScript(path.resolve('resources/sandbox/campaign-day.yaml'));
    expect(list.map((n) => calleeFor(again, n).outcome)).toEqual(
      list.map((n) => calleeFor(script, n).outcome),
    );
    const other = { ...script, seed: 'day-2' };
    expect(list.slice(0, 200).map((n) => calleeFor(other, n).outcome)).not.toEqual(
      list.slice(0, 200).map((n) => calleeFor(script, n).outcome),
    );
  });

  it('lets rules win over shares, gives the rest the default, and refuses shares over 1', () => {
    const script = parseCalleeScript(
      "callees:\n  - { number: '+919800000001', outcome: failed }\nshares:\n  - { share: 0.5, outcome: busy }\n",
    );
    expect(calleeFor(script, '+919800000001').outcome).toBe('failed');
    const list = numbers(2_000);
    const busy = list.filter((n) => calleeFor(script, n).outcome === 'busy').length / list.length;
    expect(Math.abs(busy - 0.5)).toBeLessThan(0.04);
    expect(list.filter((n) => calleeFor(script, n).outcome === 'answer').length).toBeGreaterThan(0);
    expect(() => parseCalleeScript('shares:\n  - { share: 0.7 }\n  - { share: 0.4 }\n')).toThrow(
      /more than 1/,
    );
    expect(sharePoint('s', '+91 98000 00001')).toBe(sharePoint('s', '919800000001'));
    expect(CalleeScriptSchema.safeParse({ shares: [{ share: 1.5 }] }).success).toBe(false);
  });

  it('places every number in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (seed, n) => {
        const p = sharePoint(seed, n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(1);
      }),
    );
  });
});
