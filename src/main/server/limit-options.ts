import { InvalidArgumentError, type Command } from 'commander';
import type { ZodType } from 'zod';
import {
  PublicSurfaceLimitsSchema,
  VoicebotLimitsSchema,
  type CoreConfig,
  type PublicSurfaceLimitsInput,
  type VoicebotLimitsInput,
} from '../core';

/**
 * The public surface's limits as flags of `calldeck serve` and `calldeck voicebot`: each flag is
 * one field of the core's own limit schemas, so it is checked by the same rule (and its default is
 * the schema's). The README's security section lists them.
 */
type PublicKey = keyof PublicSurfaceLimitsInput;
type VoicebotKey = keyof VoicebotLimitsInput;
type LimitFlag =
  | { flag: string; what: string; section: 'publicSurface'; key: PublicKey }
  | { flag: string; what: string; section: 'voicebot'; key: VoicebotKey };

export const LIMIT_FLAGS: readonly LimitFlag[] = [
  {
    flag: 'max-connections',
    section: 'publicSurface',
    key: 'maxConnections',
    what: 'open sockets on the public surface (more: 503)',
  },
  {
    flag: 'max-frame-bytes',
    section: 'publicSurface',
    key: 'maxFrameBytes',
    what: 'largest WebSocket message (larger: close 1009)',
  },
  {
    flag: 'headers-timeout-ms',
    section: 'publicSurface',
    key: 'headersTimeoutMs',
    what: 'time to send request headers (then 408)',
  },
  {
    flag: 'body-timeout-ms',
    section: 'publicSurface',
    key: 'bodyTimeoutMs',
    what: 'time to send a request body (then 408)',
  },
  {
    flag: 'max-sessions',
    section: 'voicebot',
    key: 'maxSessions',
    what: 'voicebot sessions at once (more: close 1013)',
  },
  {
    flag: 'start-timeout-ms',
    section: 'voicebot',
    key: 'startTimeoutMs',
    what: 'time a stream has to send start (then close 1008)',
  },
  {
    flag: 'heartbeat-ms',
    section: 'voicebot',
    key: 'heartbeatMs',
    what: 'ping interval; a silent peer is cut after one more',
  },
  {
    flag: 'remote-bytes-per-second',
    section: 'voicebot',
    key: 'remoteBytesPerSecond',
    what: 'intake pace of a stream from the internet',
  },
  {
    flag: 'remote-burst-bytes',
    section: 'voicebot',
    key: 'remoteBurstBytes',
    what: 'burst before that pace applies',
  },
  {
    flag: 'disk-floor-bytes',
    section: 'voicebot',
    key: 'diskFloorBytes',
    what: 'free disk space call recordings leave alone',
  },
];

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

const wholeNumber = (value: string): number => {
  if (!/^\d{1,16}$/.test(value)) throw new InvalidArgumentError('a whole number is expected');
  return Number(value);
};

/** Adds every limit flag to `cmd`, each with its default in the help. */
export function limitOptions(cmd: Command): Command {
  const defaults = {
    publicSurface: PublicSurfaceLimitsSchema.parse({}),
    voicebot: VoicebotLimitsSchema.parse({}),
  };
  for (const l of LIMIT_FLAGS) {
    const d = l.section === 'publicSurface' ? defaults.publicSurface[l.key] : defaults.voicebot[l.key];
    cmd.option(`--${l.flag} <n>`, `${l.what} (default ${d})`, wholeNumber);
  }
  return cmd;
}

function check(schema: ZodType, value: Record<string, number>, section: LimitFlag['section']): void {
  const r = schema.safeParse(value);
  if (r.success) return;
  const issue = r.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = LIMIT_FLAGS.find((l) => l.section === section && l.key === key)?.flag ?? key;
  throw new InvalidArgumentError(`--${flag}: ${issue?.message ?? 'not a valid value'}`);
}

/**
 * The limits given on the command line, checked by the core's schemas; a value out of range is
 * refused naming its flag and the rule (e.g. `--max-sessions: must be at least 1`).
 */
export function limitsFromOptions(
  opts: object,
): Pick<CoreConfig, 'publicSurface'> & { voicebotLimits: VoicebotLimitsInput } {
  const given = opts as Record<string, unknown>;
  const publicSurface: Record<string, number> = {};
  const voicebot: Record<string, number> = {};
  for (const l of LIMIT_FLAGS) {
    const v = given[camel(l.flag)];
    if (typeof v === 'number') (l.section === 'publicSurface' ? publicSurface : voicebot)[l.key] = v;
  }
  check(PublicSurfaceLimitsSchema, publicSurface, 'publicSurface');
  check(VoicebotLimitsSchema, voicebot, 'voicebot');
  // The inputs go on (the core applies the defaults with the same schemas).
  return { publicSurface, voicebotLimits: voicebot };
}
