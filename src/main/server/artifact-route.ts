import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { BRIDGE_TOKEN_PARAM } from '../../shared/api/bridge-protocol';
import { ARTIFACT_DOWNLOAD_PARAM, ARTIFACT_HTTP_PATH } from '../../shared/artifacts';
import { UPLOAD_TOKEN_HEADER } from '../../shared/files';
import type { Core } from '../core';

export interface ArtifactRouteOptions {
  token: string;
  isAllowedOrigin: (origin: string) => boolean;
}

const sameToken = (given: string | null | undefined, expected: string): boolean => {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const isArtifactPath = (pathname: string): boolean => pathname.startsWith(ARTIFACT_HTTP_PATH);

function refuse(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/**
 * `GET /artifacts/<id>?token=…[&download=1]`: a produced file, by id, streamed with Range support.
 * The bridge's token rules: the token (query, as a media element cannot send headers, or the upload
 * header), a foreign Origin refused, and a cross-site fetch refused.
 */
export async function handleArtifact(
  core: Core,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: ArtifactRouteOptions,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return refuse(res, 405, 'Method not allowed');
  }
  const url = new URL(req.url ?? '/', 'http://local');
  const given = url.searchParams.get(BRIDGE_TOKEN_PARAM) ?? req.headers[UPLOAD_TOKEN_HEADER];
  if (!sameToken(Array.isArray(given) ? given[0] : given, options.token)) {
    core.log.warn('refused an artifact request without a valid token', { remote: req.socket.remoteAddress });
    return refuse(res, 401, 'Missing or wrong access token');
  }
  const origin = req.headers.origin;
  if (
    (origin !== undefined && !options.isAllowedOrigin(origin)) ||
    req.headers['sec-fetch-site'] === 'cross-site'
  )
    return refuse(res, 403, 'Foreign origin');
  const id = decodeURIComponent(url.pathname.slice(ARTIFACT_HTTP_PATH.length));
  const reply = await core.serveArtifact({
    id,
    range: req.headers.range,
    download: url.searchParams.get(ARTIFACT_DOWNLOAD_PARAM) === '1',
    head: req.method === 'HEAD',
  });
  res.writeHead(reply.status, reply.headers);
  if (!reply.body) {
    res.end(reply.text ?? '');
    return;
  }
  try {
    await pipeline(reply.body, res);
  } catch (err) {
    // A player that seeks closes the previous request mid-stream: expected, not worth a warning.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
      core.log.warn('artifact stream failed', { id, err });
  }
}
