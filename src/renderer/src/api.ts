import type { Api } from '../../shared/api/client';
import { ApiError } from '../../shared/api/errors';

/** The Api as the app sees it. Same object under Electron and in a browser. */
export const api = (): Api => window.calldeck;

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Field errors keyed by path inside the section (`values.timeZone` → `timeZone`). */
export function fieldErrors(err: unknown, prefix = 'values.'): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path;
    out[key] ??= issue.message;
  }
  return out;
}
