import { createApiClient, type ApiTransport } from '../../../shared/api/client';
import { BRIDGE_PATH, BRIDGE_TOKEN_PARAM } from '../../../shared/api/bridge-protocol';
import { UPLOAD_PATH } from '../../../shared/files';
import { createWebSocketTransport } from './ws-transport';

const TOKEN_KEY = 'calldeck.bridgeToken';

/** The headless host's access token for this tab (also guards artifact URLs); null under Electron. */
export const bridgeToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);

export type BridgeInstall = { ok: true } | { ok: false; reason: string };

/** `window.calldeck`, built in the page's own world so its ApiError is the one the app checks. */
function defineApi(transport: ApiTransport): void {
  Object.defineProperty(window, 'calldeck', { value: createApiClient(transport), writable: false });
}

/**
 * Under Electron the preload exposes only the IPC transport (`window.calldeckIpc`): the Api is built
 * here, because a typed error cannot cross contextBridge (electron/electron#25596). In a plain
 * browser (the headless host) there is no preload: the same Api is built over the WebSocket bridge.
 * The token arrives in the link once, then lives in this tab's sessionStorage and leaves the address
 * bar (so it is not kept in history or screenshots).
 */
export function installBridgeIfNeeded(): BridgeInstall {
  if (typeof window.calldeck !== 'undefined') return { ok: true };
  if (typeof window.calldeckIpc !== 'undefined') {
    defineApi(window.calldeckIpc);
    return { ok: true };
  }
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
  defineApi(createWebSocketTransport(url, { url: `${window.location.origin}${UPLOAD_PATH}`, token }));
  return { ok: true };
}
