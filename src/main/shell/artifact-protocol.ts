import { protocol } from 'electron';
import { Readable } from 'node:stream';
import { ARTIFACT_DOWNLOAD_PARAM, ARTIFACT_HOST, ARTIFACT_SCHEME } from '../../shared/artifacts';
import type { Core } from '../core';

/**
 * `artifact:` must be privileged before the app is ready: standard (a real origin and path), secure,
 * fetchable, `stream` so media elements can seek through Range requests, and `corsEnabled` so the
 * page (a file: or dev-server origin, never artifact:'s own) may fetch audio to draw waveforms.
 */
export function registerArtifactScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: ARTIFACT_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true },
    },
  ]);
}

/**
 * Only our page can reach this scheme (the app's session shows nothing else, and foreign referrers
 * are refused below), so its reads are allowed cross-origin; nothing else in the app is.
 */
const CORS_HEADERS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Content-Range' };

const text = (status: number, body: string): Response =>
  new Response(body, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });

/**
 * Serves `artifact://local/<id>` from the core's artifacts. Only our renderer can ask: the scheme is
 * answered in the app's own session, whose only window shows our page (navigation, new windows and
 * webviews are refused by window.ts), and a request that names another page as its referrer is refused.
 */
export function handleArtifactProtocol(core: Core, isOwnUrl: (url: string) => boolean): () => void {
  protocol.handle(ARTIFACT_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed');
    const referrer = request.referrer || request.headers.get('referer');
    if (referrer && referrer !== 'about:client' && !isOwnUrl(referrer)) {
      core.log.warn('refused an artifact request from another page', { referrer });
      return text(403, 'Foreign page');
    }
    const url = new URL(request.url);
    if (url.host !== ARTIFACT_HOST) return text(404, 'No such artifact');
    const reply = await core.serveArtifact({
      id: decodeURIComponent(url.pathname.slice(1)),
      range: request.headers.get('range'),
      download: url.searchParams.get(ARTIFACT_DOWNLOAD_PARAM) === '1',
      head: request.method === 'HEAD',
    });
    const body = reply.body
      ? (Readable.toWeb(reply.body) as ReadableStream<Uint8Array>)
      : (reply.text ?? null);
    return new Response(body, { status: reply.status, headers: { ...reply.headers, ...CORS_HEADERS } });
  });
  return () => protocol.unhandle(ARTIFACT_SCHEME);
}
