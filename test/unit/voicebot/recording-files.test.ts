import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWav, tone } from '../../../src/main/core/speech';
import {
  CallRecording,
  FLUSH_BYTES,
  repairRecording,
  writeRecordings,
} from '../../../src/main/core/voicebot/records/recording-files';
import { makeTempDir } from '../../helpers/temp-dir';

const RATE = 8000;
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());
const tempDir = () => {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  return tmp.dir;
};

const stereo = (file: string) => {
  const wav = fs.readFileSync(file);
  return { channels: wav.readUInt16LE(22), dataBytes: wav.readUInt32LE(40), data: wav.subarray(44) };
};

describe('call recordings on disk', () => {
  it('writes the channels as they come, holding at most one flush of audio, and mixes them at the end', async () => {
    const dir = path.join(tempDir(), 'rec');
    const rec = CallRecording.start(dir, RATE);
    const caller = tone(440, 30_000, RATE);
    const bot = tone(660, 30_000, RATE);
    let maxHeld = 0;
    for (let at = 0; at < caller.length; at += 1600) {
      rec.write(caller.subarray(at, at + 1600), bot.subarray(at, at + 1600));
      maxHeld = Math.max(maxHeld, rec.heldBytes);
    }
    expect(maxHeld).toBeLessThan(2 * FLUSH_BYTES);
    // On disk already before the end (a crash keeps it): all but the last unflushed stretch.
    expect(fs.statSync(path.join(dir, 'caller.wav')).size).toBeGreaterThan(caller.length - FLUSH_BYTES);
    const paths = await rec.close();
    expect(decodeWav(fs.readFileSync(paths.caller)).pcm.equals(caller)).toBe(true);
    expect(decodeWav(fs.readFileSync(paths.bot)).pcm.equals(bot)).toBe(true);
    const mix = stereo(paths.mix);
    expect(mix.channels).toBe(2);
    expect(mix.dataBytes).toBe(caller.length * 2);
    expect(mix.data.readInt16LE(4000)).toBe(caller.readInt16LE(2000));
    expect(mix.data.readInt16LE(4002)).toBe(bot.readInt16LE(2000));
    expect(fs.statSync(paths.caller).mode & 0o777).toBe(0o600);
  });

  it('pads the shorter channel with silence so all three files are the same length', async () => {
    const dir = tempDir();
    const paths = await writeRecordings(dir, RATE, tone(440, 1000, RATE), tone(660, 400, RATE));
    const bot = decodeWav(fs.readFileSync(paths.bot)).pcm;
    expect(bot.length).toBe(16_000);
    expect(bot.subarray(6400).every((b) => b === 0)).toBe(true);
    expect(stereo(paths.mix).dataBytes).toBe(32_000);
  });

  it('repairs what a crash left (placeholder headers) into playable WAVs with everything written', async () => {
    const dir = path.join(tempDir(), 'crashed');
    const rec = CallRecording.start(dir, RATE);
    const caller = tone(440, 10_000, RATE);
    rec.write(caller, Buffer.alloc(caller.length)); // flushed at once (over FLUSH_BYTES); never closed
    expect(fs.readFileSync(path.join(dir, 'caller.wav')).readUInt32LE(40)).toBe(0);
    fs.appendFileSync(path.join(dir, 'caller.wav'), Buffer.from([1])); // a torn last sample
    const paths = await repairRecording(dir, RATE);
    if (!paths) throw new Error('nothing repaired');
    expect(decodeWav(fs.readFileSync(paths.caller)).pcm.equals(caller)).toBe(true);
    expect(decodeWav(fs.readFileSync(paths.bot)).pcm.length).toBe(caller.length);
    expect(stereo(paths.mix).dataBytes).toBe(caller.length * 2);
    expect(await repairRecording(path.join(dir, 'none'), RATE)).toBeUndefined();
  });

  it('a recording that cannot be written reports it at close and holds nothing meanwhile', async () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    const rec = CallRecording.start(path.join(blocker, 'rec'), RATE);
    rec.write(Buffer.alloc(64_000), Buffer.alloc(64_000));
    expect(rec.heldBytes).toBe(0);
    await expect(rec.close()).rejects.toThrow(/ENOTDIR/);
  });
});
