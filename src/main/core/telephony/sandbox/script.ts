import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';

/**
 * A callee script: how the people the sandbox "dials" behave. Per number or pattern: ring for N s
 * then answer, be busy, not answer, fail, or be a voicemail; hang up after N s; say text lines
 * (spoken by the stream side with the offline TTS), play WAV files, or stay silent.
 */

const seconds = (max: number) => z.number().min(0).max(max);

export const UtteranceSchema = z.union([
  z.object({ say: z.string().min(1).max(2000) }).strict(),
  z.object({ wav: z.string().min(1).max(1024) }).strict(),
  z.object({ silenceSec: seconds(600) }).strict(),
]);
export type Utterance = z.infer<typeof UtteranceSchema>;

export const CALLEE_OUTCOMES = ['answer', 'busy', 'no-answer', 'failed', 'voicemail'] as const;

export const CalleeSchema = z
  .object({
    outcome: z.enum(CALLEE_OUTCOMES).default('answer'),
    /** Seconds of ringing before the outcome (answer, busy, failed). */
    ringSec: seconds(600).default(2),
    /** The callee hangs up this many seconds after answering; null: stays until the bot or agent ends. */
    hangupAfterSec: seconds(14_400).nullable().default(null),
    says: z.array(UtteranceSchema).max(500).default([]),
    /** DTMF digits the callee presses once connected (the stream side sends them). */
    digits: z
      .string()
      .regex(/^[0-9*#]*$/)
      .max(64)
      .default(''),
    /** How long the simulated agent talks when the flow transfers to one. */
    agentTalkSec: seconds(14_400).default(5),
  })
  .strict();
export type Callee = z.infer<typeof CalleeSchema>;

const RuleSchema = CalleeSchema.extend({
  /** Exact number, compared digits-only (so +91 98… and 098… styles both match their own form). */
  number: z.string().max(32).optional(),
  /** A regular expression over the number as dialled. */
  pattern: z
    .string()
    .max(200)
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression')
    .optional(),
})
  .strict()
  .refine((r) => (r.number === undefined) !== (r.pattern === undefined), {
    message: 'each callee rule needs exactly one of "number" or "pattern"',
  });
export type CalleeRule = z.infer<typeof RuleSchema>;

/** Where the sandbox's simulated flow sends its Passthru and Voicebot applets. */
export const FlowSchema = z
  .object({
    passthruUrl: z.url().optional(),
    /** The Voicebot applet's wss:// (or ws://) URL. */
    voicebotUrl: z.url().optional(),
    /** A Passthru after the Voicebot applet (defaults to passthruUrl). */
    postBotPassthruUrl: z.url().optional(),
    agentNumber: z.string().max(32).default('+910000000000'),
  })
  .strict();
export type SandboxFlow = z.infer<typeof FlowSchema>;

/** A share of all numbers no rule matches (0.6 = 60%), each number's pick fixed by the seed. */
const ShareSchema = CalleeSchema.extend({
  share: z.number().min(0).max(1),
  /** A name for reports ("answer and confirm", "busy"). */
  label: z.string().max(64).optional(),
}).strict();
export type CalleeShare = z.infer<typeof ShareSchema>;

export const CalleeScriptSchema = z
  .object({
    default: CalleeSchema.default(CalleeSchema.parse({})),
    callees: z.array(RuleSchema).max(10_000).default([]),
    /**
     * Campaign scale: numbers no rule matches are spread over these shares (the rest get the
     * default), deterministically per number and seed, so a 1,000-contact rehearsal looks like a day.
     */
    shares: z
      .array(ShareSchema)
      .max(100)
      .refine((s) => s.reduce((sum, x) => sum + x.share, 0) <= 1 + 1e-9, 'the shares add up to more than 1')
      .optional(),
    /** Changes which numbers fall in which share (default "calldeck"). */
    seed: z.string().max(64).optional(),
    /** Flow definitions by app id (the number at the end of the flow URL); "*" for any. */
    flows: z.record(z.string(), FlowSchema).default({}),
  })
  .strict();
export type CalleeScript = z.infer<typeof CalleeScriptSchema>;

export const DEFAULT_SCRIPT: CalleeScript = CalleeScriptSchema.parse({});

const digitsOnly = (n: string) => n.replace(/\D/g, '');

/** A number's fixed place in [0, 1) under a seed (FNV-1a over seed and digits). */
export function sharePoint(seed: string, number: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${digitsOnly(number)}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // One more mixing round so neighbouring numbers spread evenly.
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return h / 2 ** 32;
}

/** The first rule matching the number, else its share (by seed), else the default. */
export function calleeFor(script: CalleeScript, number: string): Callee {
  for (const rule of script.callees) {
    const hit =
      rule.number !== undefined
        ? digitsOnly(rule.number) === digitsOnly(number)
        : rule.pattern !== undefined && new RegExp(rule.pattern).test(number);
    if (hit) {
      const { number: _n, pattern: _p, ...callee } = rule;
      return callee;
    }
  }
  if (script.shares && script.shares.length > 0) {
    const point = sharePoint(script.seed ?? 'calldeck', number);
    let edge = 0;
    for (const { share, label: _l, ...callee } of script.shares) {
      edge += share;
      if (point < edge) return callee;
    }
  }
  return script.default;
}

export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}

/** Parses a script from YAML or JSON text (JSON is YAML). WAV paths resolve against `baseDir`. */
export function parseCalleeScript(text: string, baseDir?: string): CalleeScript {
  let raw: unknown;
  try {
    raw = YAML.parse(text) as unknown;
  } catch (err) {
    throw new ScriptError(
      `callee script is not valid YAML/JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const parsed = CalleeScriptSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ScriptError(`callee script is invalid: ${detail}`);
  }
  if (baseDir === undefined) return parsed.data;
  const resolve = (c: Callee): Callee => ({
    ...c,
    says: c.says.map((u) => ('wav' in u ? { wav: path.resolve(baseDir, u.wav) } : u)),
  });
  const s = parsed.data;
  return {
    ...s,
    default: resolve(s.default),
    callees: s.callees.map((r) => ({ ...r, ...resolve(r) })),
    ...(s.shares ? { shares: s.shares.map((x) => ({ ...x, ...resolve(x) })) } : {}),
  };
}

export function loadCalleeScript(file: string): CalleeScript {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScriptError(
      `cannot read callee script ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return parseCalleeScript(text, path.dirname(path.resolve(file)));
}

/** The flow for a flow URL (…/exoml/start_voice/<app_id>): by app id, then "*". */
export function flowFor(script: CalleeScript, flowUrl: string): SandboxFlow | undefined {
  const appId = /\/start_voice\/([^/?#]+)/.exec(flowUrl)?.[1];
  return (appId !== undefined ? script.flows[appId] : undefined) ?? script.flows['*'];
}
