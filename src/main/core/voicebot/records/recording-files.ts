import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { VoicebotRecordingPaths } from '../../../../shared/voicebot';
import { freeDiskBytes } from '../../config';
import { wavHeader } from '../../speech';

const HEADER_BYTES = 44;
/** Audio gathered per channel before it is written: 2 s at 8 kHz. Bounds what a call holds in memory. */
export const FLUSH_BYTES = 32 * 1024;
/** Mix block: bytes read from each channel at a time when the stereo mix is built. */
const MIX_BLOCK = 64 * 1024;

export const recordingPaths = (dir: string): VoicebotRecordingPaths => ({
  caller: path.join(dir, 'caller.wav'),
  bot: path.join(dir, 'bot.wav'),
  mix: path.join(dir, 'mix.wav'),
});

/**
 * Free disk space a recording leaves alone. Recordings are the one thing on disk that grows with what
 * the internet sends (anyone with the stream URL can stream hours of audio in seconds), so below the
 * floor a recording stops and its files are removed, and the call goes on without one.
 */
export interface RecordingSpace {
  floorBytes: number;
  /** Free bytes for this user on the disk holding `dir` (default: statfs; tests simulate a disk). */
  freeBytes?: (dir: string) => number | undefined;
}

/** True when the disk holding `dir` has less than the floor free (unknown free space: false). */
export function underFloor(space: RecordingSpace, dir: string, more = 0): boolean {
  const free = (space.freeBytes ?? freeDiskBytes)(dir);
  return free !== undefined && free - more < space.floorBytes;
}

/** Bytes written between two looks at the free space: ~30 s of an 8 kHz call, both channels. */
export const SPACE_CHECK_BYTES = 1024 * 1024;

/** A recording stopped (and removed) because the disk reached the floor. */
export class RecordingSpaceError extends Error {
  override readonly name = 'RecordingSpaceError';
}

interface Channel {
  path: string;
  fd: number | null;
  /** Next write position. */
  at: number;
  pending: Buffer[];
  pendingBytes: number;
}

/**
 * One call's recording, written while the call runs: the caller channel and the bot channel (as it
 * played) go to caller.wav and bot.wav every ~2 s of audio behind a placeholder header, so a call
 * holds at most ~64 KB, not its whole audio, and a crash leaves files `repairRecording` can fix.
 * Writes are synchronous on purpose: a 32 KB write to the page cache takes microseconds, and only
 * that bounds memory when audio comes faster than real time (a QA caller in the same process), where
 * queued asynchronous writes fell behind by megabytes. close() writes the real headers and builds the
 * stereo mix (caller left, bot right) by streaming the two files. A failure is kept (later audio is
 * dropped, not held) and reported by close().
 */
export class CallRecording {
  private failure: Error | null = null;
  private closed = false;
  private readonly caller: Channel;
  private readonly bot: Channel;
  private sinceSpaceCheck = 0;

  private constructor(
    readonly dir: string,
    readonly sampleRate: number,
    private readonly space: RecordingSpace | undefined,
  ) {
    const paths = recordingPaths(dir);
    this.caller = { path: paths.caller, fd: null, at: HEADER_BYTES, pending: [], pendingBytes: 0 };
    this.bot = { path: paths.bot, fd: null, at: HEADER_BYTES, pending: [], pendingBytes: 0 };
    this.guard(() => {
      // Callers' voices: readable by the user running CallDeck only (Linux, macOS).
      fsSync.mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const ch of [this.caller, this.bot]) {
        ch.fd = fsSync.openSync(ch.path, 'w', 0o600);
        fsSync.writeSync(ch.fd, wavHeader(0, sampleRate, 1), 0, HEADER_BYTES, 0);
      }
    });
    this.checkSpace(0);
  }

  static start(dir: string, sampleRate: number, space?: RecordingSpace): CallRecording {
    return new CallRecording(dir, sampleRate, space);
  }

  /** Audio held in memory, gathered and not yet written. */
  get heldBytes(): number {
    return this.caller.pendingBytes + this.bot.pendingBytes;
  }

  /** Appends the next stretch of the call: both channels cover the same media time. */
  write(caller: Buffer, bot: Buffer): void {
    if (this.closed || this.failure) return;
    this.push(this.caller, caller);
    this.push(this.bot, bot);
  }

  /** Writes what is left, the real headers and the stereo mix. Rejects if any step failed. */
  async close(): Promise<VoicebotRecordingPaths> {
    if (!this.closed) {
      this.closed = true;
      for (const ch of [this.caller, this.bot]) {
        if (!this.failure) this.flush(ch);
        this.guard(() => {
          if (ch.fd !== null && !this.failure)
            fsSync.writeSync(ch.fd, wavHeader(ch.at - HEADER_BYTES, this.sampleRate, 1), 0, HEADER_BYTES, 0);
        });
        if (ch.fd !== null) fsSync.closeSync(ch.fd);
        ch.fd = null;
      }
      // The stereo mix takes as much again as both channels.
      if (!this.failure) this.checkSpace(2 * Math.max(this.caller.at, this.bot.at));
      // What was written is no use without the rest: its space goes back to the disk.
      if (this.failure instanceof RecordingSpaceError)
        fsSync.rmSync(this.dir, { recursive: true, force: true });
    }
    if (this.failure) throw this.failure;
    return writeMix(this.dir, this.sampleRate);
  }

  /** Stops the recording when writing `more` bytes would leave less than the floor free. */
  private checkSpace(more: number): void {
    if (!this.space || this.failure) return;
    this.sinceSpaceCheck = 0;
    const free = (this.space.freeBytes ?? freeDiskBytes)(this.dir);
    if (free === undefined || free - more >= this.space.floorBytes) return;
    const mb = (n: number) => Math.round(n / (1024 * 1024));
    this.failure = new RecordingSpaceError(
      `recording stopped: ${mb(free)} MB free on its disk, the floor is ${mb(this.space.floorBytes)} MB`,
    );
  }

  private push(ch: Channel, pcm: Buffer): void {
    if (pcm.length === 0) return;
    // A copy: the caller's frame buffers may be reused once this returns.
    ch.pending.push(Buffer.from(pcm));
    ch.pendingBytes += pcm.length;
    if (ch.pendingBytes >= FLUSH_BYTES) this.flush(ch);
  }

  private flush(ch: Channel): void {
    if (ch.pendingBytes === 0 || ch.fd === null) return;
    const data = Buffer.concat(ch.pending, ch.pendingBytes);
    ch.pending = [];
    ch.pendingBytes = 0;
    const fd = ch.fd;
    this.guard(() => fsSync.writeSync(fd, data, 0, data.length, ch.at));
    ch.at += data.length;
    this.sinceSpaceCheck += data.length;
    if (this.sinceSpaceCheck >= SPACE_CHECK_BYTES) this.checkSpace(0);
  }

  private guard(fn: () => void): void {
    if (this.failure) return;
    try {
      fn();
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
    }
  }
}

/** Reads up to `length` bytes at `position` (fewer at the end of the file). */
async function readAt(file: fs.FileHandle, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await file.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/**
 * The stereo mix (caller left, bot right) from caller.wav and bot.wav, streamed block by block; the
 * shorter channel is padded with silence. Also makes the two mono files the same length.
 */
export async function writeMix(dir: string, sampleRate: number): Promise<VoicebotRecordingPaths> {
  const paths = recordingPaths(dir);
  const caller = await fs.open(paths.caller, 'r+');
  const bot = await fs.open(paths.bot, 'r+').catch(async (err: unknown) => {
    await caller.close();
    throw err;
  });
  const mix = await fs.open(paths.mix, 'w', 0o600);
  try {
    const sizes = [(await caller.stat()).size, (await bot.stat()).size].map((s) =>
      Math.max(0, (s - HEADER_BYTES) & ~1),
    );
    const bytes = Math.max(sizes[0] ?? 0, sizes[1] ?? 0);
    await mix.write(wavHeader(bytes * 2, sampleRate, 2), 0, HEADER_BYTES, 0);
    for (let off = 0; off < bytes; off += MIX_BLOCK) {
      const n = Math.min(MIX_BLOCK, bytes - off);
      const l = await readAt(caller, Math.min(n, Math.max(0, (sizes[0] ?? 0) - off)), HEADER_BYTES + off);
      const r = await readAt(bot, Math.min(n, Math.max(0, (sizes[1] ?? 0) - off)), HEADER_BYTES + off);
      const out = Buffer.alloc(n * 2);
      for (let i = 0; i < n; i += 2) {
        if (i < l.length) out.writeInt16LE(l.readInt16LE(i), i * 2);
        if (i < r.length) out.writeInt16LE(r.readInt16LE(i), i * 2 + 2);
      }
      await mix.write(out, 0, out.length, HEADER_BYTES + off * 2);
    }
    // The mono files the same length as the mix (silence after the shorter one's end).
    for (const [file, size] of [
      [caller, sizes[0] ?? 0],
      [bot, sizes[1] ?? 0],
    ] as const) {
      if (size < bytes) await file.write(Buffer.alloc(bytes - size), 0, bytes - size, HEADER_BYTES + size);
      await file.truncate(HEADER_BYTES + bytes);
      await file.write(wavHeader(bytes, sampleRate, 1), 0, HEADER_BYTES, 0);
    }
  } finally {
    await Promise.allSettled([caller.close(), bot.close(), mix.close()]);
  }
  return paths;
}

/**
 * A recording a crash left open: its headers are rewritten from the bytes on disk (an odd trailing
 * byte dropped) and the mix is built. Undefined when the call left no audio files.
 */
export async function repairRecording(
  dir: string,
  sampleRate: number,
): Promise<VoicebotRecordingPaths | undefined> {
  const paths = recordingPaths(dir);
  for (const file of [paths.caller, paths.bot]) {
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      // One channel missing: an empty one stands in, so the other stays playable in the mix.
      if (file === paths.bot && (await fs.stat(paths.caller).catch(() => undefined))) {
        await fs.writeFile(file, wavHeader(0, sampleRate, 1), { mode: 0o600 });
        continue;
      }
      return undefined;
    }
    if (stat.size < HEADER_BYTES) await fs.writeFile(file, wavHeader(0, sampleRate, 1), { mode: 0o600 });
  }
  return writeMix(dir, sampleRate);
}

/** Writes a whole call at once (tools and benchmarks; sessions stream through CallRecording). */
export async function writeRecordings(
  dir: string,
  sampleRate: number,
  caller: Buffer,
  bot: Buffer,
): Promise<VoicebotRecordingPaths> {
  const rec = CallRecording.start(dir, sampleRate);
  rec.write(caller, bot);
  return rec.close();
}
