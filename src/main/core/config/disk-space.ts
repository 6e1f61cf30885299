import fs from 'node:fs';

/**
 * Free space CallDeck leaves on the data folder's disk: below it, writers that grow with outside
 * input (call recordings) stop, so neither a long call nor a flood of streams fills the disk.
 */
export const DEFAULT_DISK_FLOOR_BYTES = 1024 ** 3;

/** Bytes this user may still write on the file system holding `dir`; undefined when it cannot be read. */
export function freeDiskBytes(dir: string): number | undefined {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
