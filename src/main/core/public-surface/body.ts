import busboy from 'busboy';
import type http from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Reads the whole body, refusing more than `limit` bytes (by header first, then by count). */
export function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyError(413, `body over ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyError(413, `body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(new BodyError(400, `cannot read body: ${err.message}`));
      failed = true;
    });
  });
}

function parseMultipart(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, unknown> = {};
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { 'content-type': contentType },
        limits: { fields: 500, fieldSize: MAX_BODY_BYTES, files: 0 },
      });
    } catch (err) {
      reject(new BodyError(400, `bad multipart header: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (_name, stream) => stream.resume()); // callbacks carry no files
    bb.on('error', (err) =>
      reject(new BodyError(400, `malformed multipart body: ${(err as Error).message}`)),
    );
    bb.on('close', () => resolve(fields));
    bb.end(body);
  });
}

/** Decodes a callback body (multipart, url-encoded or JSON) into a flat field record. */
export async function parseFields(
  contentType: string | undefined,
  body: Buffer,
): Promise<Record<string, unknown>> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') return parseMultipart(contentType ?? '', body);
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BodyError(400, 'body is not valid JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new BodyError(400, 'JSON body must be an object');
    }
    return json as Record<string, unknown>;
  }
  throw new BodyError(415, `unsupported content type "${type || '(none)'}"`);
}
