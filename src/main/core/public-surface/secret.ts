import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logging';
import type { SecretStore } from '../settings';
import type { SettingsRepository } from '../store';

/** Settings-table key where versions before the move kept the public secret (migrated, then deleted). */
export const PUBLIC_SECRET_KEY = 'public.secret';

const SECRET_PATTERN = /^[A-Za-z0-9_-]{24,128}$/;

function legacySecret(legacy: SettingsRepository): string | undefined {
  const stored = legacy.get(PUBLIC_SECRET_KEY);
  if (stored === undefined) return undefined;
  try {
    const value = JSON.parse(stored) as unknown;
    if (typeof value === 'string' && SECRET_PATTERN.test(value)) return value;
  } catch {
    // damaged: not migrated
  }
  return undefined;
}

/**
 * The per-install secret every public route carries. Created once, on first use, and kept with the
 * other secrets (keychain or 0600 file), not in the database: the database holds contact data
 * and is copied around more freely. It is not a credential to anything else: it only makes our
 * callback URLs unguessable. An install that kept it in the settings table keeps the same value
 * (the URLs pasted into Exotel go on working); the row is then deleted and its bytes scrubbed.
 */
export function loadOrCreatePublicSecret(
  secrets: SecretStore,
  legacy?: SettingsRepository,
  log?: Logger,
): string {
  const stored = secrets.get('public.secret');
  const old = legacy ? legacySecret(legacy) : undefined;
  let secret: string;
  if (stored !== undefined && SECRET_PATTERN.test(stored)) secret = stored;
  else if (old !== undefined) {
    secret = old;
    secrets.set('public.secret', secret);
    log?.info('public secret moved from the database to the secret store');
  } else {
    // Old callback URLs stop working, which is safe; the operator must paste the new ones.
    if (stored !== undefined) log?.error('stored public secret is damaged; a new one was made');
    secret = randomBytes(24).toString('base64url');
    secrets.set('public.secret', secret);
  }
  if (legacy?.get(PUBLIC_SECRET_KEY) !== undefined) legacy.scrub(PUBLIC_SECRET_KEY);
  return secret;
}

export function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
