import type { ExotelCall } from './exotel/schemas';
import type { Passthru, StatusCallback } from './exotel/callbacks';

/** How a call reaches the bot: through a flow built in Exotel's dashboard, or straight to a WebSocket. */
export type CallMode = 'flow' | 'stream';

export type CallTarget =
  | { mode: 'flow'; /** http://my.exotel.com/<sid>/exoml/start_voice/<app_id> */ flowUrl: string }
  | { mode: 'stream'; /** wss://… (< 600 chars) */ streamUrl: string };

export interface PlaceCallRequest {
  /** The customer's number (Exotel's `From`). */
  to: string;
  /** Our ExoPhone (Exotel's `CallerId`). */
  callerId: string;
  target: CallTarget;
  /** Our attempt id; echoed back in passthru and status callbacks. ≤ 128 chars. */
  customField: string;
  statusCallbackUrl: string;
  /** Exotel's default is multipart; we ask for JSON. */
  statusCallbackContentType?: 'application/json' | 'multipart/form-data';
  record?: boolean;
  /** Ring timeout, seconds. */
  timeOutSec?: number;
  /** Whole-call cap, seconds (≤ 14400). */
  timeLimitSec?: number;
}

/** Why a request failed, as the dialer must see it. */
export type ProviderFailure =
  | { kind: 'rejected'; status: number; message: string; code: number | string | null }
  | { kind: 'rate_limited'; retryAfterMs: number; message: string }
  /** mayHaveReached: the request may have been processed (e.g. timed out after sending). */
  | { kind: 'network_error'; mayHaveReached: boolean; message: string };

export type PlaceCallResult =
  { kind: 'accepted'; sid: string; status: string; call: ExotelCall } | ProviderFailure;
export type CallDetailsResult = { kind: 'found'; call: ExotelCall } | ProviderFailure;
/** The bulk call-details API's answer: the calls matching a filter (newest first, one page). */
export type FindCallsResult = { kind: 'listed'; calls: ExotelCall[] } | ProviderFailure;

/** Calls to one customer number created at or after an instant (Exotel's `From` and `DateCreated=gte:`). */
export interface FindCallsRequest {
  number: string;
  createdFrom: number;
}
export type CredentialsCheckResult = { kind: 'ok' } | ProviderFailure;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** One telephony provider. `exotel` talks to Exotel's cloud; `sandbox` to the local simulator. */
export interface TelephonyProvider {
  readonly name: 'exotel' | 'sandbox';
  placeCall(request: PlaceCallRequest): Promise<PlaceCallResult>;
  callDetails(sid: string): Promise<CallDetailsResult>;
  /** Finds calls by number and time: how a dial whose answer was lost is looked up. */
  findCalls(request: FindCallsRequest): Promise<FindCallsResult>;
  checkCredentials(): Promise<CredentialsCheckResult>;
  parseStatusCallback(fields: Record<string, unknown>): ParseResult<StatusCallback>;
  parsePassthru(query: URLSearchParams): ParseResult<Passthru>;
}
