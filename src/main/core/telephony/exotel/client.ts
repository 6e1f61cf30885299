import type {
  CallDetailsResult,
  CredentialsCheckResult,
  FindCallsRequest,
  FindCallsResult,
  PlaceCallRequest,
  PlaceCallResult,
  ProviderFailure,
  TelephonyProvider,
} from '../types';
import { parsePassthru, parseStatusCallback } from './callbacks';
import { CALL_LIST_LIMITS, failureFromResponse, failureFromThrow, parseSuccess } from './responses';
import { CallEnvelopeSchema, CallListSchema } from './schemas';
import { exotelTimestamp } from './wire';

export interface ExotelClientOptions {
  /** `https://api.in.exotel.com`, or the sandbox's `http://127.0.0.1:PORT`. */
  baseUrl: string;
  accountSid: string;
  apiKey: string;
  apiToken: string;
  /** Whole request (connect + answer) timeout. */
  timeoutMs?: number;
  name?: TelephonyProvider['name'];
  fetch?: typeof fetch;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** Builds Calls/connect.json's form body. Exported so tests and the sandbox agree on field names. */
export function connectForm(req: PlaceCallRequest): URLSearchParams {
  const form = new URLSearchParams();
  form.set('From', req.to);
  form.set('CallerId', req.callerId);
  if (req.target.mode === 'flow') form.set('Url', req.target.flowUrl);
  else {
    form.set('StreamUrl', req.target.streamUrl);
    form.set('StreamType', 'bidirectional');
  }
  form.set('CustomField', req.customField);
  form.set('StatusCallback', req.statusCallbackUrl);
  form.set('StatusCallbackEvents[0]', 'terminal');
  form.set('StatusCallbackEvents[1]', 'answered');
  form.set('StatusCallbackContentType', req.statusCallbackContentType ?? 'application/json');
  if (req.record !== undefined) form.set('Record', req.record ? 'true' : 'false');
  if (req.timeOutSec !== undefined) form.set('TimeOut', String(req.timeOutSec));
  if (req.timeLimitSec !== undefined) form.set('TimeLimit', String(req.timeLimitSec));
  return form;
}

function invalidRequest(message: string): ProviderFailure {
  return { kind: 'rejected', status: 0, message, code: null };
}

/** Checks what Exotel documents as limits before anything is sent. */
function validate(req: PlaceCallRequest): string | undefined {
  if (req.customField.length > 128) return 'CustomField is longer than 128 characters';
  if (req.target.mode === 'stream' && req.target.streamUrl.length >= 600)
    return 'StreamUrl must be under 600 characters';
  if (req.timeLimitSec !== undefined && (req.timeLimitSec < 1 || req.timeLimitSec > 14_400))
    return 'TimeLimit must be 1–14400 seconds';
  return undefined;
}

/** Exotel's Calls API (v1). Every outcome is a value; nothing here throws. */
export class ExotelClient implements TelephonyProvider {
  readonly name: TelephonyProvider['name'];
  private readonly base: string;
  private readonly auth: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ExotelClientOptions) {
    this.name = options.name ?? 'exotel';
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/v1/Accounts/${encodeURIComponent(options.accountSid)}`;
    this.auth = 'Basic ' + Buffer.from(`${options.apiKey}:${options.apiToken}`).toString('base64');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async placeCall(req: PlaceCallRequest): Promise<PlaceCallResult> {
    const invalid = validate(req);
    if (invalid) return invalidRequest(invalid);
    const res = await this.request('POST', '/Calls/connect.json', connectForm(req));
    if (res.kind !== 'response') return res.failure;
    const ok = parseSuccess(CallEnvelopeSchema, res.body);
    if (!ok.ok) return ok.failure;
    const call = ok.value.Call;
    return { kind: 'accepted', sid: call.Sid, status: call.Status, call };
  }

  async callDetails(sid: string): Promise<CallDetailsResult> {
    const res = await this.request('GET', `/Calls/${encodeURIComponent(sid)}.json?details=true`);
    if (res.kind !== 'response') return res.failure;
    const ok = parseSuccess(CallEnvelopeSchema, res.body);
    return ok.ok ? { kind: 'found', call: ok.value.Call } : ok.failure;
  }

  /**
   * The bulk call-details API filtered by the customer's number (`From` for calls we place) and
   * `DateCreated=gte:` in Exotel's timestamp shape (IST, as docs/exotel.md assumes); one page of 100.
   */
  async findCalls(req: FindCallsRequest): Promise<FindCallsResult> {
    const query = new URLSearchParams({
      From: req.number,
      DateCreated: `gte:${exotelTimestamp(req.createdFrom)}`,
      PageSize: '100',
    });
    const res = await this.request('GET', `/Calls.json?${query.toString()}`);
    if (res.kind !== 'response') return res.failure;
    const ok = parseSuccess(CallListSchema, res.body, CALL_LIST_LIMITS);
    return ok.ok ? { kind: 'listed', calls: ok.value.Calls ?? [] } : ok.failure;
  }

  /** One cheap authenticated read: 200 means the key, token and account SID work. */
  async checkCredentials(): Promise<CredentialsCheckResult> {
    const res = await this.request('GET', '/Calls.json?PageSize=1');
    if (res.kind !== 'response') return res.failure;
    const ok = parseSuccess(CallListSchema, res.body);
    return ok.ok ? { kind: 'ok' } : ok.failure;
  }

  parseStatusCallback(fields: Record<string, unknown>) {
    return parseStatusCallback(fields);
  }

  parsePassthru(query: URLSearchParams) {
    return parsePassthru(query);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    form?: URLSearchParams,
  ): Promise<{ kind: 'response'; body: string } | { kind: 'failed'; failure: ProviderFailure }> {
    let response: Response;
    let body: string;
    try {
      response = await this.fetchImpl(this.base + path, {
        method,
        headers: {
          Authorization: this.auth,
          Accept: 'application/json',
          ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form?.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      body = await response.text();
    } catch (err) {
      return { kind: 'failed', failure: failureFromThrow(err, this.timeoutMs) };
    }
    if (response.status < 200 || response.status > 299) {
      return { kind: 'failed', failure: failureFromResponse(response.status, response.headers, body) };
    }
    return { kind: 'response', body };
  }
}
