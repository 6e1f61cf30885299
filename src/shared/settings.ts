import { z } from 'zod';

/** Names of the secrets CallDeck keeps. They live with the host (keychain or a 0600 file), never in SQLite. */
export const SECRET_NAMES = [
  'exotel.apiKey',
  'exotel.apiToken',
  'speech.apiKey',
  'tunnel.ngrokAuthtoken',
] as const;
export const SecretNameSchema = z.enum(SECRET_NAMES);
export type SecretName = z.infer<typeof SecretNameSchema>;

export const EXOTEL_HOSTS = ['api.exotel.com', 'api.in.exotel.com'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use 24-hour HH:mm, e.g. 09:30');

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

export const CallingSettingsSchema = z
  .object({
    timeZone: z.string().trim().refine(isValidTimeZone, 'Unknown time zone'),
    windowStart: HHMM,
    windowEnd: HHMM,
    days: z.array(z.enum(WEEKDAYS)).min(1, 'Pick at least one calling day'),
    defaultRegion: z
      .string()
      .trim()
      .regex(/^[A-Z]{2}$/, 'Two-letter country code, e.g. IN'),
  })
  .strict()
  .refine((c) => c.windowStart < c.windowEnd, {
    message: 'Calling window must end after it starts',
    path: ['windowEnd'],
  });

export const SpeechSettingsSchema = z
  .object({
    provider: z.enum(['local', 'openai']),
    baseUrl: optionalUrl(['http:', 'https:'], 'Base URL must be an http(s) URL'),
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

export const TunnelSettingsSchema = z
  .object({
    provider: z.enum(['ngrok', 'manual']),
    publicUrl: optionalUrl(['https:'], 'Public URL must start with https://'),
  })
  .strict()
  .refine((t) => t.provider !== 'manual' || t.publicUrl !== '', {
    message: 'A manual tunnel needs your public https URL',
    path: ['publicUrl'],
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
  },
  speech: { provider: 'local', baseUrl: '', llmModel: '', asrModel: '', ttsModel: '', ttsVoice: '' },
  tunnel: { provider: 'manual', publicUrl: '' },
};

/** What the renderer sees: settings, plus only whether each secret is set. */
export interface SettingsView {
  settings: Settings;
  secrets: Record<SecretName, boolean>;
}
