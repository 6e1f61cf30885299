import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DetectedEncoding {
  encoding: TextEncoding;
  bomLength: number;
}

/** Reads the byte-order mark; without one, guesses UTF-16 from the zero bytes of ASCII text. */
export function detectEncoding(head: Buffer): DetectedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const sample = head.subarray(0, Math.min(head.length, 4096) & ~1);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const pairs = sample.length / 2;
  if (pairs >= 4 && oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05)
    return { encoding: 'utf-16le', bomLength: 0 };
  if (pairs >= 4 && evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05)
    return { encoding: 'utf-16be', bomLength: 0 };
  return { encoding: 'utf-8', bomLength: 0 };
}

// Windows-1252 for the bytes 0x80–0xFF, taken from iconv-lite once.
const CP1252 = iconv.decode(Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)), 'win1252');

/** Length of the valid UTF-8 sequence starting at i, 0 if invalid, -1 if cut off by the buffer's end. */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) need = 1;
  else if (b >= 0xe0 && b <= 0xef) {
    need = 2;
    if (b === 0xe0) lo = 0xa0;
    if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    need = 3;
    if (b === 0xf0) lo = 0x90;
    if (b === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k <= need; k++) {
    const c = buf[i + k];
    if (c === undefined) return -1;
    const min = k === 1 ? lo : 0x80;
    const max = k === 1 ? hi : 0xbf;
    if (c < min || c > max) return 0;
  }
  return need + 1;
}

/**
 * UTF-8 where valid, Windows-1252 for every byte that is not: a pure Windows-1252 file and a file
 * mixing both (rows pasted from different systems) are both read as a person would expect.
 */
export class Utf8OrCp1252Decoder extends Transform {
  /** Bytes that were not UTF-8 and were read as Windows-1252. */
  fallbackBytes = 0;
  private carry: Buffer | undefined;
  private skipBom: number;

  constructor(bomLength = 0) {
    super({ decodeStrings: true, readableObjectMode: false, encoding: 'utf8' });
    this.skipBom = bomLength;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    done(null, this.decodeBytes(chunk));
  }

  /** Decodes the next bytes, keeping an incomplete trailing sequence for the next call. */
  decodeBytes(chunk: Buffer): string {
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    if (this.skipBom > 0) {
      const n = Math.min(this.skipBom, buf.length);
      buf = buf.subarray(n);
      this.skipBom -= n;
    }
    return this.decode(buf, false);
  }

  override _flush(done: TransformCallback): void {
    const rest = this.carry;
    this.carry = undefined;
    done(null, rest ? this.decode(rest, true) : '');
  }

  private decode(buf: Buffer, final: boolean): string {
    // Fast path: a whole valid chunk (the usual case) is decoded natively.
    let end = buf.length;
    if (!final) {
      // Hold back an incomplete sequence at the end for the next chunk.
      for (let back = 1; back <= 3 && back <= buf.length; back++) {
        const b = buf[buf.length - back]!;
        if (b < 0x80) break;
        if (b >= 0xc0) {
          if (sequenceLength(buf, buf.length - back) === -1) end = buf.length - back;
          break;
        }
      }
      if (end < buf.length) this.carry = Buffer.from(buf.subarray(end));
    }
    const body = buf.subarray(0, end);
    if (isUtf8(body)) return body.toString('utf8');
    let out = '';
    let runStart = 0;
    let i = 0;
    while (i < body.length) {
      const b = body[i]!;
      if (b < 0x80) {
        i++;
        continue;
      }
      const len = sequenceLength(body, i);
      if (len > 0) {
        i += len;
        continue;
      }
      out += body.toString('utf8', runStart, i) + (CP1252[b - 0x80] ?? '\ufffd');
      this.fallbackBytes++;
      i++;
      runStart = i;
    }
    return out + body.toString('utf8', runStart, body.length);
  }
}

/** A bytes → text stream for the detected encoding (BOM removed). */
export function createDecoder(detected: DetectedEncoding): Transform & { fallbackBytes?: number } {
  if (detected.encoding === 'utf-8') return new Utf8OrCp1252Decoder(detected.bomLength);
  // iconv-lite's UTF-16 decoders strip the BOM themselves.
  const name = detected.encoding === 'utf-16le' ? 'utf-16le' : 'utf-16be';
  return iconv.decodeStream(name, { stripBOM: true }) as unknown as Transform;
}

/** Decodes a sample (the file's head) the same way the stream will, for sniffing and previews. */
export function decodeSample(head: Buffer, detected: DetectedEncoding): string {
  if (detected.encoding !== 'utf-8') {
    const even = head.subarray(0, head.length & ~1);
    return iconv.decode(even, detected.encoding, { stripBOM: true });
  }
  return new Utf8OrCp1252Decoder(detected.bomLength).decodeBytes(head);
}
