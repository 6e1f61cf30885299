import {
  DEFAULT_SAMPLE_RATE,
  isSupportedSampleRate,
  SUPPORTED_SAMPLE_RATES,
  type SampleRate,
} from './protocol';

export type SampleRateResult = { ok: true; sampleRate: SampleRate } | { ok: false; error: string };

/**
 * The stream's sample rate from its URL's `?sample-rate=` (8000 when absent). Accepts a full URL, a
 * path with a query, or a URLSearchParams. An unsupported value is an error: the caller rejects the
 * upgrade rather than play audio at the wrong speed.
 */
export function sampleRateFromUrl(url: string | URL | URLSearchParams): SampleRateResult {
  const params =
    url instanceof URLSearchParams
      ? url
      : url instanceof URL
        ? url.searchParams
        : new URL(url, 'ws://localhost').searchParams;
  const raw = params.get('sample-rate');
  if (raw === null || raw.trim() === '') return { ok: true, sampleRate: DEFAULT_SAMPLE_RATE };
  const rate = Number(raw.trim());
  if (Number.isInteger(rate) && isSupportedSampleRate(rate)) return { ok: true, sampleRate: rate };
  return {
    ok: false,
    error: `unsupported sample-rate ${JSON.stringify(raw)} (use ${SUPPORTED_SAMPLE_RATES.join(', ')})`,
  };
}

/** Adds `sample-rate` to a stream URL (omitted for the 8000 default, as Exotel does). */
export function withSampleRate(url: string, sampleRate: SampleRate): string {
  if (sampleRate === DEFAULT_SAMPLE_RATE) return url;
  const u = new URL(url);
  u.searchParams.set('sample-rate', String(sampleRate));
  return u.toString();
}
