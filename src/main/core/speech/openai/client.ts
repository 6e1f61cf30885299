import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { insecureBaseUrl } from '../../../../shared/settings';
import { SpeechError, toSpeechError, type SpeechRole } from '../errors';

/** Any OpenAI-compatible endpoint: OpenAI, Ollama, vLLM, LiteLLM, a local test server. */
export interface OpenAiCompatibleOptions {
  /** e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 */
  baseURL: string;
  /** Some servers (Ollama, vLLM) accept any key; the SDK insists on one, so a placeholder is sent. */
  apiKey?: string;
  timeoutMs?: number;
  /** SDK retries on 429 / 5xx / connection errors. Default 1 (a live call cannot wait long). */
  maxRetries?: number;
}

/** A base URL that would send the API key (and the calls' audio and words) unencrypted. */
export class InsecureEndpointError extends Error {
  constructor(baseURL: string, reason: string) {
    super(`Refusing the OpenAI-compatible endpoint ${baseURL}: ${reason}`);
    this.name = 'InsecureEndpointError';
  }
}

export function createOpenAiClient(options: OpenAiCompatibleOptions): OpenAI {
  // Settings refuse it already; this also covers configs that bypass them (CLI, older settings rows).
  const insecure = insecureBaseUrl(options.baseURL);
  if (insecure) throw new InsecureEndpointError(options.baseURL, insecure);
  return new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey || 'not-needed',
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 1,
  });
}

/** SDK errors → typed SpeechErrors (messages never include the key: the SDK does not echo it). */
export function fromOpenAiError(
  err: unknown,
  role: SpeechRole,
  provider: string,
  signal?: AbortSignal,
): SpeechError {
  if (err instanceof SpeechError) return err;
  if (err instanceof APIUserAbortError || signal?.aborted) {
    return new SpeechError('aborted', role, provider, 'aborted by the caller', { cause: err });
  }
  if (err instanceof APIConnectionTimeoutError) {
    return new SpeechError('unavailable', role, provider, 'request timed out', { cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new SpeechError('unavailable', role, provider, `cannot reach the server: ${err.message}`, {
      cause: err,
    });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const kind =
      status === 401 || status === 403
        ? 'auth'
        : status === 429
          ? 'rate_limited'
          : status === 400 || status === 404 || status === 413 || status === 422
            ? 'bad_input'
            : 'provider';
    return new SpeechError(kind, role, provider, `HTTP ${status}: ${err.message}`, { cause: err, status });
  }
  return toSpeechError(err, role, provider, signal);
}

/** Re-yields a provider stream, mapping SDK errors as they surface. */
export async function* mapStreamErrors<T>(
  source: AsyncIterable<T>,
  role: SpeechRole,
  provider: string,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (err) {
    throw fromOpenAiError(err, role, provider, signal);
  }
}
