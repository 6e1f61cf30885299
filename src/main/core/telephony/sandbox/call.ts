import { randomBytes } from 'node:crypto';
import type { ExotelCallStatus } from '../exotel/schemas';
import { exotelTimestamp } from './clock';
import type { Leg } from './outbound';

/** One call the sandbox placed, as it tracks it (the Call object is derived from this). */
export interface SandboxCall {
  sid: string;
  accountSid: string;
  /** The customer's number (Exotel's `From`). */
  from: string;
  callerId: string;
  target: { mode: 'flow'; flowUrl: string } | { mode: 'stream'; streamUrl: string };
  customField: string | null;
  statusCallback: string | null;
  callbackEvents: string[];
  callbackJson: boolean;
  record: boolean;
  timeOutSec: number | null;
  timeLimitSec: number | null;
  status: ExotelCallStatus;
  created: number;
  updated: number;
  started: number | null;
  answered: number | null;
  ended: number | null;
  answeredBy: string | null;
  legs: Leg[];
  conversationSec: number | null;
  /** What happened, in order (for tests, the CLI log and debugging). */
  history: string[];
}

export const newCallSid = (): string => randomBytes(16).toString('hex');

const ts = (ms: number | null) => (ms === null ? null : exotelTimestamp(ms));

/** Exotel's Call object for a sandbox call. */
export function callJson(call: SandboxCall, details: boolean): Record<string, unknown> {
  const durationSec = call.ended !== null ? Math.round((call.ended - call.created) / 1000) : null;
  return {
    Sid: call.sid,
    ParentCallSid: null,
    DateCreated: ts(call.created),
    DateUpdated: ts(call.updated),
    AccountSid: call.accountSid,
    To: null,
    From: call.from,
    PhoneNumberSid: call.callerId,
    Status: call.status,
    StartTime: ts(call.started ?? call.created),
    EndTime: ts(call.ended),
    Duration: durationSec,
    Price: call.ended !== null ? (call.answered !== null ? '0.50' : '0.00') : null,
    Direction: 'outbound-api',
    AnsweredBy: call.answeredBy,
    Uri: `/v1/Accounts/${call.accountSid}/Calls/${call.sid}.json`,
    RecordingUrl:
      call.record && call.answered !== null && call.ended !== null
        ? `sandbox://recordings/${call.sid}.wav`
        : null,
    ...(details
      ? {
          Details: {
            ConversationDuration: call.conversationSec ?? 0,
            Leg1Status: call.legs[0]?.Status ?? call.status,
            Leg2Status: call.legs[1]?.Status ?? null,
          },
        }
      : {}),
  };
}

export function restException(status: number, message: string, code: number | null = null) {
  return { RestException: { Status: status, Message: message, Code: code ?? status * 100 } };
}
