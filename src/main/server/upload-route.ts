import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { ApiResult } from '../../shared/api/errors';
import { UPLOAD_TOKEN_HEADER, type StagedFile } from '../../shared/files';
import type { Core } from '../core';

export interface UploadOptions {
  token: string;
  maxBytes: number;
  isAllowedOrigin: (origin: string) => boolean;
}

function reply(res: http.ServerResponse, status: number, body: ApiResult<StagedFile>): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

const tokenMatches = (given: string | string[] | undefined, expected: string): boolean => {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * `POST /upload?name=FILE` with the bridge token in a header: the browser's way to hand a file to
 * the headless host (a page cannot reveal local paths). The body streams to disk, capped in size.
 */
export async function handleUpload(
  core: Core,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: UploadOptions,
): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' }).end('Method not allowed');
    return;
  }
  if (!tokenMatches(req.headers[UPLOAD_TOKEN_HEADER], options.token)) {
    core.log.warn('refused upload without a valid token', { remote: req.socket.remoteAddress });
    req.resume();
    reply(res, 401, { ok: false, error: { code: 'unauthorized', message: 'Missing or wrong access token' } });
    return;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !options.isAllowedOrigin(origin)) {
    req.resume();
    reply(res, 403, { ok: false, error: { code: 'unauthorized', message: 'Foreign origin' } });
    return;
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    req.resume();
    reply(res, 413, {
      ok: false,
      error: {
        code: 'invalid_request',
        message: `File is larger than ${Math.round(options.maxBytes / 1e6)} MB`,
      },
    });
    return;
  }
  const name = new URL(req.url ?? '/', 'http://local').searchParams.get('name') ?? '';
  const result = await core.stageUpload(req, name, options.maxBytes);
  if (!result.ok && !req.complete) req.resume();
  reply(res, result.ok ? 200 : result.error.message.startsWith('File is larger') ? 413 : 400, result);
}
