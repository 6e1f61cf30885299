import type { QaEffects } from '../../../../shared/qa';
import { prng } from '../runner/seeded';
import { SAMPLE_RATE } from './pcm';

const FRAME = (SAMPLE_RATE * 20) / 1000; // one 20 ms packet

const toFloat = (pcm: Buffer): Float64Array => {
  const out = new Float64Array(pcm.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2);
  return out;
};

const toPcm = (x: Float64Array): Buffer => {
  const out = Buffer.alloc(x.length * 2);
  for (let i = 0; i < x.length; i++)
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x[i] ?? 0))), i * 2);
  return out;
};

/** One-pole high-pass at 300 Hz then low-pass at 3.4 kHz: the telephone band. */
function bandPass(x: Float64Array): Float64Array {
  const dt = 1 / SAMPLE_RATE;
  const rcHigh = 1 / (2 * Math.PI * 300);
  const rcLow = 1 / (2 * Math.PI * 3400);
  const aHigh = rcHigh / (rcHigh + dt);
  const aLow = dt / (rcLow + dt);
  const out = new Float64Array(x.length);
  let prevX = 0;
  let prevHigh = 0;
  let low = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] ?? 0;
    const high = aHigh * (prevHigh + xi - prevX);
    prevX = xi;
    prevHigh = high;
    low += aLow * (high - low);
    out[i] = low;
  }
  return out;
}

/** Playback at `speed` (pitch moves with it, as a tape would), by linear interpolation. */
function changeSpeed(x: Float64Array, speed: number): Float64Array {
  const n = Math.max(1, Math.floor(x.length / speed));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * speed;
    const j = Math.floor(at);
    const f = at - j;
    out[i] = (x[j] ?? 0) * (1 - f) + (x[j + 1] ?? x[j] ?? 0) * f;
  }
  return out;
}

function rms(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return x.length ? Math.sqrt(s / x.length) : 0;
}

/**
 * The scenario's effects on the caller's audio, from the run's seed: the same seed gives the same
 * audio, so a run with effects is as repeatable as one without. Order: speed, band-pass, noise, loss.
 */
export function callerEffects(
  effects: QaEffects | undefined,
  seed: number,
): ((pcm: Buffer) => Buffer) | undefined {
  if (!effects) return undefined;
  const rand = prng(seed ^ 0x5eed);
  const gauss = () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  return (pcm) => {
    let x = toFloat(pcm);
    if (effects.speed !== undefined && effects.speed !== 1) x = changeSpeed(x, effects.speed);
    if (effects.band_pass) x = bandPass(x);
    if (effects.snr_db !== undefined) {
      const noise = rms(x) / 10 ** (effects.snr_db / 20);
      for (let i = 0; i < x.length; i++) x[i] = (x[i] ?? 0) + noise * gauss();
    }
    const loss = effects.packet_loss;
    if (loss !== undefined && loss > 0) {
      for (let f = 0; f < x.length; f += FRAME)
        if (rand() < loss) x.fill(0, f, Math.min(x.length, f + FRAME));
    }
    return toPcm(x);
  };
}
