import fs from 'node:fs/promises';
import path from 'node:path';
import type { VoicebotRecordingPaths } from '../../../../shared/voicebot';
import { interleaveStereo, pcmWav } from '../../speech';

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
  // Callers' voices: readable by the user running CallDeck only (Linux, macOS).
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // All three files the same length: the shorter channel is padded with silence.
  const bytes = Math.max(caller.length, bot.length);
  const pad = (pcm: Buffer) =>
    pcm.length >= bytes ? pcm : Buffer.concat([pcm, Buffer.alloc(bytes - pcm.length)]);
  const paths: VoicebotRecordingPaths = {
    caller: path.join(dir, 'caller.wav'),
    bot: path.join(dir, 'bot.wav'),
    mix: path.join(dir, 'mix.wav'),
  };
  await Promise.all([
    fs.writeFile(paths.caller, pcmWav(pad(caller), sampleRate), { mode: 0o600 }),
    fs.writeFile(paths.bot, pcmWav(pad(bot), sampleRate), { mode: 0o600 }),
    fs.writeFile(paths.mix, pcmWav(interleaveStereo(caller, bot), sampleRate, 2), { mode: 0o600 }),
  ]);
  return paths;
}
