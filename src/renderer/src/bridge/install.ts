import { createApiClient } from '../../../shared/api/client';
import { BRIDGE_PATH, BRIDGE_TOKEN_PARAM } from '../../../shared/api/bridge-protocol';
import { UPLOAD_PATH } from '../../../shared/files';
import { createWebSocketTransport } from './ws-transport';

const TOKEN_KEY = 'calldeck.bridgeToken';

export type BridgeInstall = { ok: true } | { ok: false; reason: string };

/**
 * In a plain browser (the headless host) there is no preload: build the same `window.calldeck`
 * over the WebSocket bridge. The token arrives in the link once, then lives in this tab's
 * sessionStorage and leaves the address bar (so it is not kept in history or screenshots).
 */
export function installBridgeIfNeeded(): BridgeInstall {
  if (typeof window.calldeck !== 'undefined') return { ok: true };
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get(BRIDGE_TOKEN_PARAM);
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete(BRIDGE_TOKEN_PARAM);
    const rest = params.toString();
    window.history.replaceState(
      null,
      '',
      `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`,
    );
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    return {
      ok: false,
      reason: 'This page needs the link CallDeck printed when it started (it carries an access token).',
    };
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${window.location.host}${BRIDGE_PATH}?${BRIDGE_TOKEN_PARAM}=${encodeURIComponent(token)}`;
  Object.defineProperty(window, 'calldeck', {
    value: createApiClient(
      createWebSocketTransport(url, { url: `${window.location.origin}${UPLOAD_PATH}`, token }),
    ),
    writable: false,
  });
  return { ok: true };
}
