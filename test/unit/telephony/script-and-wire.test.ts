import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../../src/main/core/telephony/exotel/responses';
import {
  calleeFor,
  loadCalleeScript,
  parseCalleeScript,
  ScriptError,
} from '../../../src/main/core/telephony';
import { MinuteRateLimit } from '../../../src/main/core/telephony/sandbox/rate-limit';

describe('callee scripts', () => {
  it('loads the shipped sample and matches numbers, patterns and the default', () => {
    const script = loadCalleeScript(path.resolve('resources/sandbox/callees.yaml'));
    expect(calleeFor(script, '+919800000001').outcome).toBe('busy');
    expect(calleeFor(script, '919800000002').outcome).toBe('no-answer');
    expect(calleeFor(script, '+919800000123')).toMatchObject({ outcome: 'answer', agentTalkSec: 20 });
    expect(calleeFor(script, '+911234567890').says[0]).toEqual({ say: 'Hello, who is this?' });
    expect(script.flows['*']?.agentNumber).toBe('+918000000000');
  });

  it('resolves WAV paths against the script folder and rejects bad scripts clearly', () => {
    const s = parseCalleeScript('default: {says: [{wav: hello.wav}]}', '/data/scripts');
    expect(s.default.says[0]).toEqual({ wav: path.resolve('/data/scripts/hello.wav') });
    expect(() => parseCalleeScript('callees: [{outcome: answer}]')).toThrow(
      /exactly one of "number" or "pattern"/,
    );
    expect(() => parseCalleeScript('default: {outcome: maybe}')).toThrow(ScriptError);
    expect(() => parseCalleeScript('callees: [{pattern: "("}]')).toThrow(/regular expression/);
    expect(() => parseCalleeScript('{{{')).toThrow(/not valid YAML/);
    expect(fs.existsSync('resources/sandbox/callees.yaml')).toBe(true);
  });
});

describe('wire helpers', () => {
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(retryAfterMs(null)).toBe(5000);
    expect(retryAfterMs('soon')).toBe(5000);
  });

  it('limits requests per sliding minute', () => {
    const limit = new MinuteRateLimit(2);
    expect(limit.take(0).ok).toBe(true);
    expect(limit.take(10_000).ok).toBe(true);
    expect(limit.take(20_000)).toEqual({ ok: false, retryAfterMs: 40_000 });
    expect(limit.take(60_000).ok).toBe(true);
  });
});
