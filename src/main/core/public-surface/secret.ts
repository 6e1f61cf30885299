import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logging';
import type { SettingsRepository } from '../store';

/** Settings-table key of the install's public secret (kept apart from the settings sections). */
export const PUBLIC_SECRET_KEY = 'public.secret';

const SECRET_PATTERN = /^[A-Za-z0-9_-]{24,128}$/;

/**
 * The per-install secret every public route carries. Created once, on first use. It is not a
 * credential to anything else: it only makes our callback URLs unguessable.
 */
export function loadOrCreatePublicSecret(repo: SettingsRepository, log?: Logger): string {
  const stored = repo.get(PUBLIC_SECRET_KEY);
  if (stored !== undefined) {
    try {
      const value = JSON.parse(stored) as unknown;
      if (typeof value === 'string' && SECRET_PATTERN.test(value)) return value;
    } catch {
      // handled below: a damaged value is replaced
    }
    // Old callback URLs stop working, which is safe; the operator must paste the new ones.
    log?.error('stored public secret is damaged; a new one was made', { key: PUBLIC_SECRET_KEY });
  }
  const secret = randomBytes(24).toString('base64url');
  repo.set(PUBLIC_SECRET_KEY, JSON.stringify(secret));
  return secret;
}

export function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
