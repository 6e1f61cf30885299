import { z } from 'zod';

/** Exotel sends numbers sometimes as strings and sometimes as integers; null when not yet known. */
const num = z.union([z.number(), z.string()]).nullish();
const text = z.string().nullish();

/** The Call object (Calls/connect.json and Calls/<sid>.json). Unknown fields are kept. */
export const ExotelCallSchema = z.looseObject({
  Sid: z.string().min(1),
  ParentCallSid: text,
  DateCreated: text,
  DateUpdated: text,
  AccountSid: text,
  To: text,
  From: text,
  PhoneNumberSid: text,
  Status: z.string(),
  StartTime: text,
  EndTime: text,
  Duration: num,
  Price: num,
  Direction: text,
  AnsweredBy: text,
  Uri: text,
  RecordingUrl: text,
  Details: z.looseObject({ ConversationDuration: num, Leg1Status: text, Leg2Status: text }).nullish(),
});
export type ExotelCall = z.infer<typeof ExotelCallSchema>;

export const CallEnvelopeSchema = z.looseObject({ Call: ExotelCallSchema });

export const RestExceptionSchema = z.looseObject({
  RestException: z.looseObject({
    Status: num,
    Message: z.string().nullish(),
    Code: num,
  }),
});
export type RestException = z.infer<typeof RestExceptionSchema>['RestException'];

/** Bulk call details (Calls.json): only what the credentials check and reconciliation need. */
export const CallListSchema = z.looseObject({
  Calls: z.array(ExotelCallSchema).nullish(),
  Metadata: z.looseObject({}).nullish(),
});

export const CALL_STATUSES = [
  'queued',
  'ringing',
  'in-progress',
  'completed',
  'failed',
  'busy',
  'no-answer',
  'canceled',
] as const;
export type ExotelCallStatus = (typeof CALL_STATUSES)[number];
export const TERMINAL_STATUSES = ['completed', 'failed', 'busy', 'no-answer', 'canceled'] as const;
export type ExotelTerminalStatus = (typeof TERMINAL_STATUSES)[number];
