import type { Logger } from '../logging';
import type { CallAttemptRow, CallsRepository } from '../store';
import { CALL_STATES, isTerminal, type CallState } from './call-state';
import { callDetailsInput } from './call-state-inputs';
import type { CallStateService } from './call-state-service';
import type { CallDetailsSource } from './provider-check';

/** Open states: a call in one of them when the app starts was left open by a crash. */
const OPEN_STATES = CALL_STATES.filter((s) => !isTerminal(s));

export interface CallRecoveryDeps {
  calls: CallStateService;
  repo: CallsRepository;
  /** The provider that placed the attempt, if it can still be asked (its credentials may be gone). */
  providerFor: (attempt: CallAttemptRow) => CallDetailsSource | undefined;
  log: Logger;
}

export interface RecoveredCall {
  attemptId: string;
  before: CallState;
  after: CallState;
  /** `provider`: its call details settled it; `interrupted`: it could not, so we ended it. */
  how: 'provider' | 'interrupted';
  detail: string;
}

/**
 * Start-up: every call attempt a crash left open is settled through the state machine, never by a
 * row update. Its stream (if one was live) died with the app; then the provider is asked for the
 * call's details, and its answer is recorded as the call's input. When it cannot answer (no provider
 * id yet, provider unavailable, call unknown, lookup failed) or reports the call still going on, the
 * call ends `interrupted` with the reason: a call must never stay in progress forever. A later
 * callback or report from the provider still replaces `interrupted` with the real end.
 */
export async function recoverCalls(d: CallRecoveryDeps): Promise<RecoveredCall[]> {
  // One snapshot first: calls placed while this runs are not ours to settle.
  const open = d.repo.listAttempts({ states: OPEN_STATES, limit: 100_000 });
  const out: RecoveredCall[] = [];
  for (const attempt of open) {
    try {
      out.push(await recoverOne(d, attempt));
    } catch (err) {
      d.log.error('could not settle a call left open by the last run', { attemptId: attempt.id, err });
    }
  }
  if (out.length > 0)
    d.log.warn('calls left open by the last run were settled', {
      calls: out.length,
      byProvider: out.filter((r) => r.how === 'provider').length,
      interrupted: out.filter((r) => r.how === 'interrupted').length,
    });
  return out;
}

async function recoverOne(d: CallRecoveryDeps, attempt: CallAttemptRow): Promise<RecoveredCall> {
  const before = attempt.state;
  if (attempt.stream === 'live')
    d.calls.record(attempt.id, 'recovery', { type: 'stream_ended', disconnectedBy: null }, 'recovery:stream');
  const asked = await askProvider(d, attempt);
  if (asked.ok) {
    const change = d.calls.record(attempt.id, 'api', asked.input, asked.dedupeKey);
    const after = change.attempt.state;
    if (isTerminal(after))
      return { attemptId: attempt.id, before, after, how: 'provider', detail: asked.detail };
  }
  const reason = `CallDeck stopped while the call was ${before.replace('_', ' ')}; ${
    asked.ok ? `the provider still reports it ${asked.detail}` : asked.why
  }`;
  const change = d.calls.record(
    attempt.id,
    'recovery',
    { type: 'interrupted', reason },
    'recovery:interrupted',
  );
  return {
    attemptId: attempt.id,
    before,
    after: change.attempt.state,
    how: 'interrupted',
    detail: reason,
  };
}

type Asked =
  | { ok: true; input: Parameters<CallStateService['record']>[2]; dedupeKey: string; detail: string }
  | { ok: false; why: string };

async function askProvider(d: CallRecoveryDeps, attempt: CallAttemptRow): Promise<Asked> {
  if (attempt.providerSid === null)
    return { ok: false, why: 'the dial request has no provider answer, so the call cannot be looked up' };
  const provider = d.providerFor(attempt);
  if (!provider) return { ok: false, why: `provider ${attempt.provider} is not available to ask` };
  let result: Awaited<ReturnType<CallDetailsSource['callDetails']>>;
  try {
    result = await provider.callDetails(attempt.providerSid);
  } catch (err) {
    return { ok: false, why: `the lookup failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (result.kind !== 'found')
    return { ok: false, why: `the provider could not say (${result.kind}: ${result.message})` };
  if (result.call.Sid !== attempt.providerSid)
    return { ok: false, why: 'the provider answered for another call' };
  const mapped = callDetailsInput(result.call);
  if (!mapped.ok) return { ok: false, why: mapped.error };
  return {
    ok: true,
    input: mapped.input,
    dedupeKey: mapped.dedupeKey,
    detail: mapped.input.status.replace('_', ' '),
  };
}
