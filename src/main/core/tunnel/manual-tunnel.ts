import { checkHealth, TunnelError, type Tunnel, type TunnelState } from './tunnel';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The operator's own public URL (a reverse proxy, a cloud VM, their own tunnel). Nothing to run. */
export function manualTunnel(publicUrl: string, fetchImpl: typeof fetch = fetch): Tunnel {
  let state: TunnelState = { status: 'stopped' };
  return {
    provider: 'manual',
    start() {
      let url: URL;
      try {
        url = new URL(publicUrl.trim());
      } catch {
        const error =
          publicUrl.trim() === ''
            ? 'No public URL yet: enter yours in Settings → Tunnel (or choose ngrok)'
            : `"${publicUrl}" is not a URL`;
        state = { status: 'failed', error, at: new Date().toISOString() };
        return Promise.reject(new TunnelError('invalid_url', error));
      }
      // Exotel needs https; plain http is allowed only on loopback (local rehearsal).
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
        const error = 'A public URL must start with https://';
        state = { status: 'failed', error, at: new Date().toISOString() };
        return Promise.reject(new TunnelError('invalid_url', error));
      }
      const clean = url.toString().replace(/\/+$/, '');
      state = { status: 'running', url: clean, since: new Date().toISOString() };
      return Promise.resolve(clean);
    },
    stop() {
      state = { status: 'stopped' };
      return Promise.resolve();
    },
    url: () => (state.status === 'running' ? state.url : undefined),
    state: () => state,
    health: (healthPath) =>
      checkHealth(state.status === 'running' ? state.url : undefined, healthPath, fetchImpl),
  };
}
