import fs from 'node:fs';
import path from 'node:path';

/**
 * Free space CallDeck leaves on the data folder's disk: below it, writers that grow with outside
 * input (call recordings) stop, so neither a long call nor a flood of streams fills the disk.
 */
export const DEFAULT_DISK_FLOOR_BYTES = 1024 ** 3;

/**
 * Bytes this user may still write on the file system that holds, or will hold, `dir` (a folder not
 * made yet is looked up through its nearest existing parent); undefined when it cannot be read.
 */
export function freeDiskBytes(dir: string): number | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      const s = fs.statfsSync(at);
      return s.bavail * s.bsize;
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      if (!missing || path.dirname(at) === at) return undefined;
    }
  }
}
