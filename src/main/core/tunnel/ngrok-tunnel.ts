import {
  checkHealth,
  TUNNEL_START_TIMEOUT_MS,
  TunnelError,
  withTimeout,
  type Tunnel,
  type TunnelState,
} from './tunnel';

/** The part of @ngrok/ngrok we use: the SDK boundary, injected so tests run a local double. */
export interface NgrokListener {
  url(): string | null;
  close(): Promise<void>;
}
export interface NgrokModule {
  forward(config: { addr: string; authtoken: string; proto?: string }): Promise<NgrokListener>;
}

export interface NgrokTunnelOptions {
  /** The local public-surface address, e.g. `127.0.0.1:51234`. */
  addr: string;
  authtoken: string | undefined;
  loadNgrok?: () => Promise<NgrokModule>;
  startTimeoutMs?: number;
  fetch?: typeof fetch;
}

const loadRealNgrok = async (): Promise<NgrokModule> => import('@ngrok/ngrok');

/** An ngrok tunnel via the @ngrok/ngrok SDK (authtoken from the secret store). */
export function ngrokTunnel(options: NgrokTunnelOptions): Tunnel {
  let state: TunnelState = { status: 'stopped' };
  let listener: NgrokListener | undefined;
  const timeoutMs = options.startTimeoutMs ?? TUNNEL_START_TIMEOUT_MS;
  const fail = (err: TunnelError): never => {
    state = { status: 'failed', error: err.message, at: new Date().toISOString() };
    throw err;
  };

  return {
    provider: 'ngrok',
    async start() {
      if (state.status === 'running') return state.url;
      if (!options.authtoken)
        return fail(new TunnelError('no_authtoken', 'Set your ngrok authtoken in Settings → Tunnel'));
      state = { status: 'starting' };
      const attempt = (async () => {
        const ngrok = await (options.loadNgrok ?? loadRealNgrok)();
        return ngrok.forward({ addr: options.addr, authtoken: options.authtoken ?? '', proto: 'http' });
      })();
      let opened: NgrokListener;
      try {
        opened = await withTimeout(attempt, timeoutMs, 'Starting the ngrok tunnel');
      } catch (err) {
        // If the SDK connects after we gave up, close that late listener rather than leak it.
        attempt.then((late) => late.close()).catch(() => undefined);
        return fail(
          err instanceof TunnelError
            ? err
            : new TunnelError(
                'start_failed',
                `ngrok could not start: ${err instanceof Error ? err.message : String(err)}`,
              ),
        );
      }
      const url = opened.url();
      if (!url) {
        await opened.close().catch(() => undefined);
        return fail(new TunnelError('start_failed', 'ngrok started but gave no public URL'));
      }
      listener = opened;
      state = { status: 'running', url, since: new Date().toISOString() };
      return url;
    },
    async stop() {
      const l = listener;
      listener = undefined;
      state = { status: 'stopped' };
      if (l) await l.close();
    },
    url: () => (state.status === 'running' ? state.url : undefined),
    state: () => state,
    health: (healthPath) =>
      checkHealth(state.status === 'running' ? state.url : undefined, healthPath, options.fetch ?? fetch),
  };
}
