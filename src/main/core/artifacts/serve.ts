import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { ArtifactIdSchema } from '../../../shared/artifacts';
import type { Logger } from '../logging';
import type { Artifacts } from './artifact-store';
import { parseRange } from './range';
import { UnsafeArtifactPath } from './safe-path';

export interface ArtifactRequest {
  /** The id from the URL, not yet checked. */
  id: string;
  range?: string | null;
  /** Offer it as a download (Content-Disposition: attachment) rather than inline. */
  download?: boolean;
  /** HEAD: headers only. */
  head?: boolean;
}

/** What a host sends back: Node's http writes it as is; Electron wraps it in a web Response. */
export interface ArtifactResponse {
  status: 200 | 206 | 400 | 404 | 416 | 500;
  headers: Record<string, string>;
  /** The bytes (a file stream, closed when it ends or is destroyed); null for errors and HEAD. */
  body: Readable | null;
  /** For errors: a short text to send instead. */
  text?: string;
}

const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

const plain = (status: ArtifactResponse['status'], text: string): ArtifactResponse => ({
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  body: null,
  text,
});

/** `inline|attachment; filename="…"; filename*=UTF-8''…` (RFC 6266), safe for any name. */
export function contentDisposition(name: string, download: boolean): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${download ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Answers a request for an artifact by id: the file streamed, with its type and length, one byte
 * range when asked (media seeking), never cached. Unknown ids, missing files and paths that would
 * leave the data folder or go through a link are all 404 to the page (the cause is logged).
 */
export async function serveArtifact(
  artifacts: Artifacts,
  req: ArtifactRequest,
  log: Logger,
): Promise<ArtifactResponse> {
  if (!ArtifactIdSchema.safeParse(req.id).success) return plain(400, 'Not an artifact id');
  const row = artifacts.get(req.id);
  if (!row) return plain(404, 'No such artifact');
  let handle: fs.promises.FileHandle | undefined;
  try {
    const file = artifacts.filePath(row);
    if (!file) return plain(404, 'The artifact file is gone');
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | NOFOLLOW);
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UnsafeArtifactPath(`${row.relPath} is not a regular file`);
    const size = stat.size;
    const headers: Record<string, string> = {
      'Content-Type': row.mime,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-store',
      'Content-Disposition': contentDisposition(row.name, req.download === true),
      'X-Content-Type-Options': 'nosniff',
    };
    const range = parseRange(req.range, size);
    if (range.kind === 'unsatisfiable') {
      await handle.close();
      return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: null };
    }
    const { start, end } = range.kind === 'range' ? range.range : { start: 0, end: size - 1 };
    headers['Content-Length'] = String(Math.max(0, end - start + 1));
    if (range.kind === 'range') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    const status = range.kind === 'range' ? 206 : 200;
    if (req.head || size === 0) {
      await handle.close();
      return { status, headers, body: null };
    }
    const body = handle.createReadStream({ start, end, autoClose: true });
    handle = undefined;
    return { status, headers, body };
  } catch (err) {
    await handle?.close().catch(() => undefined);
    if (err instanceof UnsafeArtifactPath || (err as NodeJS.ErrnoException).code === 'ELOOP') {
      log.warn('refused to serve an artifact outside the data folder', {
        id: row.id,
        reason: err instanceof Error ? err.message : String(err),
      });
      return plain(404, 'No such artifact');
    }
    log.error('artifact could not be read', { id: row.id, err });
    return plain(500, 'The artifact could not be read');
  }
}
