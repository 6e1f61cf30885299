import { z } from 'zod';
import { emptyRecord, InputError, safeRecord } from '../../input';
import type { ParseResult } from '../types';
import { asList, asRecord, int, pick, str, unflattenBrackets } from './fields';

export const ANSWERED_BY = ['human', 'machine', 'not_sure', 'na'] as const;
export type AnsweredBy = (typeof ANSWERED_BY)[number];

function answeredBy(value: unknown): AnsweredBy | null {
  const s = str(value)
    ?.toLowerCase()
    .replace(/[\s_-]/g, '');
  if (s === undefined || s === null) return null;
  if (s === 'human') return 'human';
  if (s === 'machine') return 'machine';
  if (s === 'notsure') return 'not_sure';
  if (s === 'na') return 'na';
  return null;
}

/** Exotel writes `no-answer`, some senders `no_answer` or `NoAnswer`: one spelling for us. */
function status(value: unknown): string | null {
  const s = str(value)?.toLowerCase().replace(/[\s_]/g, '-');
  if (s === undefined || s === null) return null;
  if (s === 'noanswer') return 'no-answer';
  if (s === 'inprogress') return 'in-progress';
  return s;
}

const LegSchema = z.object({
  onCallDurationSec: z.number().int().nonnegative().nullable(),
  status: z.string().nullable(),
  answeredBy: z.enum(ANSWERED_BY).nullable(),
});
export type CallLeg = z.infer<typeof LegSchema>;

const StatusCallbackSchema = z.object({
  callSid: z.string().min(1, 'CallSid is missing').max(128),
  /** answered | terminal | ringing; null for a default (terminal-only) callback. */
  eventType: z.enum(['answered', 'terminal', 'ringing']).nullable(),
  status: z.string().min(1, 'Status is missing').max(32),
  customField: z.string().max(512).nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  dateCreated: z.string().nullable(),
  dateUpdated: z.string().nullable(),
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  conversationDurationSec: z.number().int().nonnegative().nullable(),
  recordingUrl: z.string().nullable(),
  legs: z.array(LegSchema).max(16),
  answeredBy: z.enum(ANSWERED_BY).nullable(),
});
export type StatusCallback = z.infer<typeof StatusCallbackSchema>;

function issues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Runs a parse whose field helpers refuse hostile keys and nesting by throwing an InputError. */
function refusingHostileInput<T>(parse: () => ParseResult<T>): ParseResult<T> {
  try {
    return parse();
  } catch (err) {
    if (err instanceof InputError) return { ok: false, error: err.message };
    throw err;
  }
}

/**
 * Normalises a status callback from any of its encodings (fields already decoded to a record).
 * Keys or bracket paths naming `__proto__`, `constructor` or `prototype` make it an error.
 */
export function parseStatusCallback(input: Record<string, unknown>): ParseResult<StatusCallback> {
  return refusingHostileInput(() => statusCallbackFrom(input));
}

function statusCallbackFrom(input: Record<string, unknown>): ParseResult<StatusCallback> {
  const fields = unflattenBrackets(input);
  const legs = asList(pick(fields, 'Legs')).map((leg) => {
    const l = asRecord(leg) ?? emptyRecord();
    return {
      onCallDurationSec: int(pick(l, 'OnCallDuration')),
      status: status(pick(l, 'Status')),
      answeredBy: answeredBy(pick(l, 'AnsweredBy')),
    };
  });
  const event = str(pick(fields, 'EventType'))?.toLowerCase() ?? null;
  const candidate = {
    callSid: str(pick(fields, 'CallSid')) ?? '',
    eventType: event,
    status: status(pick(fields, 'Status', 'CallStatus')) ?? '',
    customField: str(pick(fields, 'CustomField')),
    from: str(pick(fields, 'From')),
    to: str(pick(fields, 'To')),
    dateCreated: str(pick(fields, 'DateCreated')),
    dateUpdated: str(pick(fields, 'DateUpdated')),
    startTime: str(pick(fields, 'StartTime')),
    endTime: str(pick(fields, 'EndTime')),
    conversationDurationSec: int(pick(fields, 'ConversationDuration')),
    recordingUrl: str(pick(fields, 'RecordingUrl')),
    legs,
    answeredBy: answeredBy(pick(fields, 'AnsweredBy')) ?? legs[0]?.answeredBy ?? null,
  };
  const parsed = StatusCallbackSchema.safeParse(candidate);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: issues(parsed.error) };
}

const StreamInfoSchema = z.object({
  streamSid: z.string().nullable(),
  status: z.string().nullable(),
  durationSec: z.number().int().nonnegative().nullable(),
  recordingUrl: z.string().nullable(),
  disconnectedBy: z.enum(['bot', 'user']).nullable(),
});
export type PassthruStream = z.infer<typeof StreamInfoSchema>;

const PassthruSchema = z.object({
  callSid: z.string().min(1, 'CallSid is missing').max(128),
  customField: z.string().max(512).nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  direction: z.string().nullable(),
  callType: z.string().nullable(),
  dialWhomNumber: z.string().nullable(),
  /** The caller's keypad input, with Exotel's surrounding double quotes removed. */
  digits: z.string().nullable(),
  recordingUrl: z.string().nullable(),
  /** Present when the passthru follows a Voicebot applet. */
  stream: StreamInfoSchema.nullable(),
});
export type Passthru = z.infer<typeof PassthruSchema>;

const unquote = (v: string | null): string | null => {
  if (v === null) return null;
  const s = v.replace(/^"(.*)"$/s, '$1').trim();
  return s === '' ? null : s;
};

/** Normalises a passthru GET's query; hostile keys are refused as in parseStatusCallback. */
export function parsePassthru(query: URLSearchParams): ParseResult<Passthru> {
  const flat = safeRecord(query);
  if (!flat.ok) return { ok: false, error: flat.error.message };
  return refusingHostileInput(() => passthruFrom(flat.value));
}

function passthruFrom(flat: Record<string, unknown>): ParseResult<Passthru> {
  const fields = unflattenBrackets(flat);
  const s = asRecord(pick(fields, 'Stream'));
  const disconnectedBy = s ? str(pick(s, 'DisconnectedBy'))?.toLowerCase() : null;
  const candidate = {
    callSid: str(pick(fields, 'CallSid')) ?? '',
    customField: unquote(str(pick(fields, 'CustomField'))),
    from: str(pick(fields, 'CallFrom', 'From')),
    to: str(pick(fields, 'CallTo', 'To')),
    direction: str(pick(fields, 'Direction')),
    callType: str(pick(fields, 'CallType')),
    dialWhomNumber: str(pick(fields, 'DialWhomNumber')),
    digits: unquote(str(pick(fields, 'digits'))),
    recordingUrl: str(pick(fields, 'RecordingUrl')),
    stream: s
      ? {
          streamSid: str(pick(s, 'StreamSID', 'StreamSid', 'stream_sid')),
          status: str(pick(s, 'Status')),
          durationSec: int(pick(s, 'Duration')),
          recordingUrl: str(pick(s, 'RecordingUrl')),
          disconnectedBy: disconnectedBy === 'bot' || disconnectedBy === 'user' ? disconnectedBy : null,
        }
      : null,
  };
  const parsed = PassthruSchema.safeParse(candidate);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: issues(parsed.error) };
}
