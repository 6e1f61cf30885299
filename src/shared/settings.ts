import { z } from 'zod';
import { PhoneRegionSchema } from './regions';

/** Names of the secrets CallDeck keeps. They live with the host (keychain or a 0600 file), never in SQLite. */
export const SECRET_NAMES = [
  'exotel.apiKey',
  'exotel.apiToken',
  'speech.apiKey',
  'tunnel.ngrokAuthtoken',
] as const;
export const SecretNameSchema = z.enum(SECRET_NAMES);
export type SecretName = z.infer<typeof SecretNameSchema>;

/**
 * Secrets the app makes for itself and keeps beside the user's (same store), never shown in
 * Settings nor settable through the Api: the audit chain's HMAC key, the public URL secret and the
 * Ed25519 key that signs audit bundles' manifests.
 */
export const INTERNAL_SECRET_NAMES = ['audit.key', 'public.secret', 'audit.signing-key'] as const;
export const STORED_SECRET_NAMES = [...SECRET_NAMES, ...INTERNAL_SECRET_NAMES] as const;
export const StoredSecretNameSchema = z.enum(STORED_SECRET_NAMES);
export type StoredSecretName = z.infer<typeof StoredSecretNameSchema>;

export const EXOTEL_HOSTS = ['api.exotel.com', 'api.in.exotel.com'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use 24-hour HH:mm, e.g. 09:30');

/** Valid IANA zone names according to this runtime's ICU data. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const optionalUrl = (protocols: readonly string[], hint: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine((v) => {
      if (v === '') return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, hint);

export const ExotelSettingsSchema = z
  .object({
    accountSid: z
      .string()
      .trim()
      .max(64)
      .regex(/^[A-Za-z0-9_-]*$/, 'Account SID has only letters, digits, - and _'),
    host: z.enum(EXOTEL_HOSTS),
    callerId: z
      .string()
      .trim()
      .regex(/^(\+?\d{6,15})?$/, 'ExoPhone is a phone number: digits, optionally starting with +'),
    flowAppId: z.string().trim().regex(/^\d*$/, 'Flow app id is the number at the end of the flow URL'),
  })
  .strict();

/** Exotel's default outbound throttle for an account, until the operator sets theirs. */
export const DEFAULT_CPM_LIMIT = 60;

export const CallingSettingsSchema = z
  .object({
    timeZone: z.string().trim().refine(isValidTimeZone, 'Unknown time zone'),
    windowStart: HHMM,
    windowEnd: HHMM,
    days: z.array(z.enum(WEEKDAYS)).min(1, 'Pick at least one calling day'),
    // A country the number parser knows: an unknown one (ZZ) made every later import fail.
    defaultRegion: PhoneRegionSchema,
    /** The Exotel account's calls-per-minute limit: no campaign's pacing may go above it. */
    callsPerMinuteLimit: z.number().int().min(1).max(6000).default(DEFAULT_CPM_LIMIT),
  })
  .strict()
  .refine((c) => c.windowStart < c.windowEnd, {
    message: 'Calling window must end after it starts',
    path: ['windowEnd'],
  });

/** Loopback hosts: the only ones plain http may reach (a local Ollama or vLLM, a test server). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export const PLAIN_HTTP_REFUSED =
  'Plain http is allowed only to this machine (localhost, 127.x.x.x, ::1): use https, so the API key and the calls are encrypted';

/**
 * Why an OpenAI-compatible base URL is refused, or undefined when it is fine: plain http would
 * carry the API key and the callers' audio and words unencrypted, so it is allowed to this
 * machine only.
 */
export function insecureBaseUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined; // not a URL at all: the URL check names that
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) return PLAIN_HTTP_REFUSED;
  return undefined;
}

export const SpeechSettingsSchema = z
  .object({
    provider: z.enum(['local', 'openai']),
    baseUrl: optionalUrl(['http:', 'https:'], 'Base URL must be an http(s) URL').refine(
      (v) => v === '' || insecureBaseUrl(v) === undefined,
      PLAIN_HTTP_REFUSED,
    ),
    llmModel: z.string().trim().max(200),
    asrModel: z.string().trim().max(200),
    ttsModel: z.string().trim().max(200),
    ttsVoice: z.string().trim().max(100),
  })
  .strict()
  .refine((s) => s.provider !== 'openai' || s.baseUrl !== '', {
    message: 'An OpenAI-compatible provider needs a base URL',
    path: ['baseUrl'],
  })
  .refine((s) => s.provider !== 'openai' || s.llmModel !== '', {
    message: 'An OpenAI-compatible provider needs a model name',
    path: ['llmModel'],
  });

/** One address or a CIDR range, IPv4 or IPv6 (`203.0.113.0/24`, `2001:db8::/32`). Browser-safe. */
export function isAddressRange(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return false;
  const bits = prefix === undefined ? undefined : Number(prefix);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && (bits === undefined || bits <= 32);
  if (!address.includes(':') || !/^[0-9a-fA-F:.]+$/.test(address)) return false;
  try {
    new URL(`http://[${address}]/`); // the URL parser knows IPv6 syntax, in Node and in the page
  } catch {
    return false;
  }
  return bits === undefined || bits <= 128;
}

export const TunnelSettingsSchema = z
  .object({
    provider: z.enum(['ngrok', 'manual']),
    publicUrl: optionalUrl(['https:'], 'Public URL must start with https://'),
    /** Serve status callbacks, passthru and the voicebot stream only to these sources (Exotel's ranges, from its support). */
    restrictSources: z.boolean().default(false),
    allowedSources: z
      .array(
        z
          .string()
          .trim()
          .max(64)
          .refine(isAddressRange, 'Use an address or a CIDR range, e.g. 203.0.113.0/24'),
      )
      .max(100, 'At most 100 ranges')
      .default([]),
  })
  .strict()
  .refine((t) => t.provider !== 'manual' || t.publicUrl !== '', {
    message: 'A manual tunnel needs your public https URL',
    path: ['publicUrl'],
  })
  .refine((t) => !t.restrictSources || t.allowedSources.length > 0, {
    message: 'List the source ranges to allow (ask Exotel support for its current list)',
    path: ['allowedSources'],
  });

export const SettingsSchema = z
  .object({
    exotel: ExotelSettingsSchema,
    calling: CallingSettingsSchema,
    speech: SpeechSettingsSchema,
    tunnel: TunnelSettingsSchema,
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsSection = keyof Settings;
export const SETTINGS_SECTIONS = [
  'exotel',
  'calling',
  'speech',
  'tunnel',
] as const satisfies readonly SettingsSection[];

export const DEFAULT_SETTINGS: Settings = {
  exotel: { accountSid: '', host: 'api.in.exotel.com', callerId: '', flowAppId: '' },
  // TRAI permits commercial calls 09:00–21:00 local time.
  calling: {
    timeZone: 'Asia/Kolkata',
    windowStart: '09:00',
    windowEnd: '21:00',
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
    defaultRegion: 'IN',
    callsPerMinuteLimit: DEFAULT_CPM_LIMIT,
  },
  speech: { provider: 'local', baseUrl: '', llmModel: '', asrModel: '', ttsModel: '', ttsVoice: '' },
  tunnel: { provider: 'manual', publicUrl: '', restrictSources: false, allowedSources: [] },
};

/** What the renderer sees: settings, plus only whether each secret is set. */
export interface SettingsView {
  settings: Settings;
  secrets: Record<SecretName, boolean>;
}
