import fs from 'node:fs';
import path from 'node:path';

/** Why a stored path cannot be served: it would reach outside the data folder or through a link. */
export class UnsafeArtifactPath extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeArtifactPath';
  }
}

/**
 * The data-folder-relative form of `file` (`/`-separated), or a typed error when `file` is not a
 * plain path inside `dataDir`.
 */
export function relativeInside(dataDir: string, file: string): string {
  const rel = path.relative(path.resolve(dataDir), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel))
    throw new UnsafeArtifactPath(`${file} is not inside the data folder`);
  return rel.split(path.sep).join('/');
}

/**
 * The absolute path of a stored relative path, checked on disk: it stays inside the data folder,
 * no part of it below the data folder is a symbolic link (the real path must equal the plain one),
 * and it is a regular file. Undefined when the file is gone.
 */
export function resolveInside(dataDir: string, relPath: string): string | undefined {
  const root = fs.realpathSync(dataDir);
  const parts = relPath.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new UnsafeArtifactPath(`${relPath} is not a plain relative path`);
  const file = path.join(root, ...parts);
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (real !== file) throw new UnsafeArtifactPath(`${relPath} goes through a symbolic link`);
  return file;
}
