import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import yazl from 'yazl';

const require = createRequire(import.meta.url);

/** buffer-crc32's face as yazl calls it: the CRC-32 of `data`, continuing from `previous`. */
interface Crc32Module {
  unsigned(this: void, data: Buffer | string, previous?: number): number;
}

/** buffer-crc32, the very copy yazl loads (resolved from yazl's own folder). */
const yazlCrc32 = createRequire(require.resolve('yazl'))('buffer-crc32') as Crc32Module;

/** The JavaScript CRC-32 yazl came with (tests compare the native one against it). */
const javascriptCrc32Raw = yazlCrc32.unsigned;
export const javascriptCrc32 = (data: Buffer | string, previous?: number): number =>
  javascriptCrc32Raw(data, previous);

/**
 * yazl checksums every byte of every entry with buffer-crc32, a CRC-32 written in JavaScript:
 * measured at ~75 ms of the main thread for a 100,000-call CSV export (37 MB). Node (20.15 and
 * later) has the same CRC-32 in C as zlib.crc32, so yazl's copy of buffer-crc32 is pointed at it:
 * the same function (the zip's checksums do not change), a fraction of the time. yazl is imported
 * from here so that every zip we write has it.
 */
if (typeof zlib.crc32 === 'function') {
  const native = zlib.crc32;
  yazlCrc32.unsigned = (data, previous = 0) =>
    native(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, previous);
}

/** Whether yazl checksums with zlib's CRC-32 (false only on a Node without zlib.crc32). */
export const yazlUsesNativeCrc32 = (): boolean => yazlCrc32.unsigned !== javascriptCrc32Raw;

export { yazl };
