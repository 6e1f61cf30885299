import type http from 'node:http';
import type { WebSocket } from 'ws';
import { sameSecret } from './secret';
import { isLocalRequest } from './source-filter';

export const VOICEBOT_PREFIX = '/voicebot';

/** What the voicebot sees of the upgrade request, already authenticated. */
export interface VoicebotRequest {
  /** The path after `/voicebot/<secret>` (or after `/voicebot` with Basic auth), e.g. `/stream`. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  remoteAddress: string | undefined;
  /** This machine itself (loopback, not through the tunnel): the sandbox, local tools, tests. */
  local: boolean;
}

/** Takes over an authenticated voicebot WebSocket. The voicebot domain provides the real one. */
export type VoicebotHandler = (ws: WebSocket, request: VoicebotRequest) => void;

/** Until a voicebot is plugged in, callers are told so and the socket is closed cleanly. */
export const closingVoicebotHandler: VoicebotHandler = (ws) => {
  ws.close(1000, 'voicebot not available');
};

function basicPassword(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=._-]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/**
 * Authenticates `/voicebot/<secret>/…`, or `/voicebot/…` with the secret as the Basic-auth password
 * (from a `wss://KEY:SECRET@host/…` URL) or as `?token=`. Undefined when not authorised.
 */
export function authenticateVoicebot(req: http.IncomingMessage, secret: string): VoicebotRequest | undefined {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://public.invalid');
  } catch {
    return undefined;
  }
  const path = url.pathname;
  if (path !== VOICEBOT_PREFIX && !path.startsWith(`${VOICEBOT_PREFIX}/`)) return undefined;
  const rest = path.slice(VOICEBOT_PREFIX.length);
  const [, first = '', ...tail] = rest.split('/');
  const query = new URLSearchParams(url.search);
  const base = {
    query,
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
    local: isLocalRequest(req),
  };
  if (sameSecret(first, secret)) return { ...base, path: tail.length ? `/${tail.join('/')}` : '/' };
  const viaHeader = sameSecret(basicPassword(req.headers.authorization), secret);
  const viaQuery = sameSecret(query.get('token'), secret);
  if (!viaHeader && !viaQuery) return undefined;
  query.delete('token');
  return { ...base, path: rest === '' ? '/' : rest };
}
