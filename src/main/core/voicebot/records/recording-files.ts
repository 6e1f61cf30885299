import fs from 'node:fs/promises';
import path from 'node:path';
import { WaveFile } from 'wavefile';
import type { VoicebotRecordingPaths } from '../../../../shared/voicebot';
import { int16 } from '../../speech';

function padTo(pcm: Buffer, bytes: number): Buffer {
  if (pcm.length >= bytes) return pcm;
  const out = Buffer.alloc(bytes);
  pcm.copy(out);
  return out;
}

function wav(channels: Int16Array[], sampleRate: number): Buffer {
  const w = new WaveFile();
  w.fromScratch(
    channels.length,
    sampleRate,
    '16',
    channels.length === 1 ? (channels[0] as Int16Array) : channels,
  );
  return Buffer.from(w.toBuffer());
}

/**
 * Writes one call's audio: the caller channel, the bot channel (as it played: silence between turns,
 * barged-in audio cut) and a stereo mix with the caller left and the bot right, all the same length.
 */
export async function writeRecordings(
  dir: string,
  sampleRate: number,
  caller: Buffer,
  bot: Buffer,
): Promise<VoicebotRecordingPaths> {
  await fs.mkdir(dir, { recursive: true });
  const bytes = Math.max(caller.length, bot.length);
  const left = int16(padTo(caller, bytes));
  const right = int16(padTo(bot, bytes));
  const paths: VoicebotRecordingPaths = {
    caller: path.join(dir, 'caller.wav'),
    bot: path.join(dir, 'bot.wav'),
    mix: path.join(dir, 'mix.wav'),
  };
  await Promise.all([
    fs.writeFile(paths.caller, wav([left], sampleRate)),
    fs.writeFile(paths.bot, wav([right], sampleRate)),
    fs.writeFile(paths.mix, wav([left, right], sampleRate)),
  ]);
  return paths;
}
