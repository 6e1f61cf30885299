import { describe, expect, it } from 'vitest';
import { callerEffects } from '../../../src/main/core/qa';
import { tone } from '../../../src/main/core/speech';

const second = tone(440, 1000, 8000, 8000);
const rms = (pcm: Buffer) => {
  let s = 0;
  for (let i = 0; i < pcm.length; i += 2) s += pcm.readInt16LE(i) ** 2;
  return Math.sqrt(s / (pcm.length / 2));
};
const diffRms = (a: Buffer, b: Buffer) => {
  let s = 0;
  for (let i = 0; i < a.length; i += 2) s += (a.readInt16LE(i) - b.readInt16LE(i)) ** 2;
  return Math.sqrt(s / (a.length / 2));
};

describe('caller effects', () => {
  it('none without effects', () => {
    expect(callerEffects(undefined, 1)).toBeUndefined();
  });

  it('the same seed gives the same audio; another seed other noise', () => {
    const a = callerEffects({ snr_db: 10, packet_loss: 0.1 }, 7);
    const b = callerEffects({ snr_db: 10, packet_loss: 0.1 }, 7);
    const c = callerEffects({ snr_db: 10, packet_loss: 0.1 }, 8);
    expect(a?.(second).equals(b?.(second) ?? Buffer.alloc(0))).toBe(true);
    expect(a?.(second).equals(c?.(second) ?? Buffer.alloc(0))).toBe(false);
  });

  it('adds noise at the asked signal-to-noise ratio', () => {
    const noisy = callerEffects({ snr_db: 20 }, 3)?.(second) ?? Buffer.alloc(0);
    const snr = 20 * Math.log10(rms(second) / diffRms(noisy, second));
    expect(snr).toBeGreaterThan(19);
    expect(snr).toBeLessThan(21);
  });

  it('drops about the asked share of 20 ms packets, whole', () => {
    const out = callerEffects({ packet_loss: 0.2 }, 5)?.(tone(440, 20_000, 8000, 8000)) ?? Buffer.alloc(0);
    let silent = 0;
    const frames = out.length / 320;
    for (let f = 0; f < frames; f++) if (out.subarray(f * 320, f * 320 + 320).every((b) => b === 0)) silent++;
    expect(silent / frames).toBeGreaterThan(0.15);
    expect(silent / frames).toBeLessThan(0.25);
  });

  it('speed changes the length; the telephone band cuts a 100 Hz hum and keeps 1 kHz', () => {
    expect(callerEffects({ speed: 1.25 }, 1)?.(second).length).toBe(Math.floor(8000 / 1.25) * 2);
    const band = callerEffects({ band_pass: true }, 1);
    const hum = band?.(tone(100, 1000, 8000, 8000)) ?? Buffer.alloc(0);
    const voice = band?.(tone(1000, 1000, 8000, 8000)) ?? Buffer.alloc(0);
    expect(rms(hum)).toBeLessThan(rms(tone(100, 1000, 8000, 8000)) * 0.4);
    expect(rms(voice)).toBeGreaterThan(rms(tone(1000, 1000, 8000, 8000)) * 0.7);
  });
});
