import busboy from 'busboy';
import type http from 'node:http';
import {
  DEFAULT_MAX_FIELDS,
  parseJsonObject,
  safeRecord,
  SafeRecordBuilder,
  type InputError,
  type SafeRecord,
} from '../input';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Fields per callback in any encoding (Exotel sends ~40). */
export const MAX_FIELDS = DEFAULT_MAX_FIELDS;
/** A JSON callback is flat but for `Legs`: `{"Legs":[{…}]}` is 3 deep. */
export const MAX_JSON_DEPTH = 16;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** 10 s: callbacks are a few KB, sent at once; a body that trickles in is an attack. */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * Reads the whole body, refusing more than `limit` bytes (by header first, without reading a byte,
 * then by count) and a body not complete within `timeoutMs`. After a refusal the caller answers with
 * `Connection: close`, so the rest is never read.
 */
export function readBody(
  req: http.IncomingMessage,
  limit = MAX_BODY_BYTES,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyError(413, `body over ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (err: BodyError) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      req.pause();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new BodyError(408, `body not received within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        fail(new BodyError(413, `body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => fail(new BodyError(400, `cannot read body: ${err.message}`)));
  });
}

const refused = (error: InputError) => new BodyError(400, `Bad request: ${error.message}`);

function parseMultipart(contentType: string, body: Buffer): Promise<SafeRecord> {
  return new Promise((resolve, reject) => {
    const fields = new SafeRecordBuilder(MAX_FIELDS);
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { 'content-type': contentType },
        limits: { fields: MAX_FIELDS, fieldSize: MAX_BODY_BYTES, files: 0 },
      });
    } catch (err) {
      reject(new BodyError(400, `bad multipart header: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    bb.on('field', (name, value) => fields.add(name, value));
    // busboy drops fields past the limit silently: a callback cut short is refused instead.
    bb.on('fieldsLimit', () => fields.tooMany());
    bb.on('file', (_name, stream) => stream.resume()); // callbacks carry no files
    bb.on('error', (err) =>
      reject(new BodyError(400, `malformed multipart body: ${(err as Error).message}`)),
    );
    bb.on('close', () => {
      const result = fields.result();
      if (result.ok) resolve(result.value);
      else reject(refused(result.error));
    });
    bb.end(body);
  });
}

/**
 * Decodes a callback body (multipart, url-encoded or JSON) into a flat field record without a
 * prototype. More than MAX_FIELDS fields, JSON nested deeper than MAX_JSON_DEPTH, and keys named
 * `__proto__`, `constructor` or `prototype` are refused with a 400.
 */
export async function parseFields(contentType: string | undefined, body: Buffer): Promise<SafeRecord> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') return parseMultipart(contentType ?? '', body);
  if (type === 'application/x-www-form-urlencoded') {
    const fields = safeRecord(new URLSearchParams(body.toString('utf8')), { maxKeys: MAX_FIELDS });
    if (!fields.ok) throw refused(fields.error);
    return fields.value;
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    const json = parseJsonObject(body, {
      maxBytes: MAX_BODY_BYTES,
      maxDepth: MAX_JSON_DEPTH,
      maxKeys: MAX_FIELDS * 4, // Legs carry a few keys each
    });
    if (json.ok) return json.value;
    if (json.error.kind === 'invalid_json') throw new BodyError(400, 'body is not valid JSON');
    if (json.error.kind === 'not_an_object') throw new BodyError(400, 'JSON body must be an object');
    throw refused(json.error);
  }
  throw new BodyError(415, `unsupported content type "${type || '(none)'}"`);
}
