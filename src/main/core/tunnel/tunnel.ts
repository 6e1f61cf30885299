/** A public https address in front of the public surface, so Exotel can reach it. */
export type TunnelState =
  | { status: 'stopped' }
  | { status: 'starting' }
  | { status: 'running'; url: string; since: string }
  | { status: 'failed'; error: string; at: string };

export interface TunnelHealth {
  ok: boolean;
  /** What was checked and what came back (shown to the operator). */
  detail: string;
}

export interface Tunnel {
  readonly provider: 'ngrok' | 'manual';
  /** Resolves with the public URL, or rejects with a TunnelError within the start timeout. */
  start(): Promise<string>;
  stop(): Promise<void>;
  url(): string | undefined;
  state(): TunnelState;
  /** Fetches `healthPath` through the public URL: proves the tunnel reaches the public surface. */
  health(healthPath: string): Promise<TunnelHealth>;
}

export type TunnelErrorCode = 'no_authtoken' | 'invalid_url' | 'timeout' | 'start_failed';

export class TunnelError extends Error {
  constructor(
    readonly code: TunnelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TunnelError';
  }
}

export const TUNNEL_START_TIMEOUT_MS = 15_000;
const HEALTH_TIMEOUT_MS = 10_000;

/** Rejects with a TunnelError when `work` does not settle in time (some SDKs never settle offline). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TunnelError('timeout', `${what} did not finish within ${Math.round(ms / 1000)} s`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function checkHealth(
  publicUrl: string | undefined,
  healthPath: string,
  fetchImpl = fetch,
): Promise<TunnelHealth> {
  if (!publicUrl) return { ok: false, detail: 'tunnel is not running' };
  const target = publicUrl.replace(/\/+$/, '') + healthPath;
  try {
    const res = await fetchImpl(target, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      redirect: 'error',
    });
    const body = (await res.text()).slice(0, 100);
    return res.ok && body.trim() === 'OK'
      ? { ok: true, detail: `public surface answered through ${new URL(publicUrl).host}` }
      : { ok: false, detail: `public URL answered HTTP ${res.status}: not CallDeck's public surface` };
  } catch (err) {
    return {
      ok: false,
      detail: `public URL unreachable: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
