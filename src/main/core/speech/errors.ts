export type SpeechRole = 'tts' | 'asr' | 'vad' | 'llm';

export type SpeechErrorKind =
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The provider could not be reached (connection refused, DNS, socket closed). */
  | 'unavailable'
  /** Rejected credentials (401 / 403). */
  | 'auth'
  | 'rate_limited'
  /** The request itself is unusable (empty text, words outside the dictionary, HTTP 400 / 404 / 422). */
  | 'bad_input'
  /** The provider answered with something we cannot use (bad audio, malformed JSON). */
  | 'bad_response'
  /** Any other provider failure (5xx, a WASM trap). */
  | 'provider';

/** Every failure of a speech provider, typed so the voicebot can decide (retry, fall back, hang up). */
export class SpeechError extends Error {
  override readonly name = 'SpeechError';
  constructor(
    readonly kind: SpeechErrorKind,
    readonly role: SpeechRole,
    readonly provider: string,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(`${role}/${provider}: ${message}`, { cause: options?.cause });
    this.status = options?.status;
  }
  readonly status?: number;
}

export function isAbortError(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'AbortError' ||
      err.name === 'APIUserAbortError' ||
      (err as { code?: string }).code === 'ABORT_ERR')
  );
}

/** Throws a typed `aborted` error if the signal already fired. */
export function throwIfAborted(signal: AbortSignal | undefined, role: SpeechRole, provider: string): void {
  if (signal?.aborted) throw new SpeechError('aborted', role, provider, 'aborted by the caller');
}

/** Wraps anything a provider threw into a SpeechError (SpeechErrors pass through unchanged). */
export function toSpeechError(
  err: unknown,
  role: SpeechRole,
  provider: string,
  signal?: AbortSignal,
): SpeechError {
  if (err instanceof SpeechError) return err;
  if (signal?.aborted || isAbortError(err)) {
    return new SpeechError('aborted', role, provider, 'aborted by the caller', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SpeechError('provider', role, provider, message, { cause: err });
}
