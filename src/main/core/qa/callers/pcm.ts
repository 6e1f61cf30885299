export const SAMPLE_RATE = 8000;

/** Audio parts placed at their media times on a silent 8 kHz PCM16 track `durationMs` long. */
export function layOut(parts: { atMs: number; pcm: Buffer }[], durationMs: number): Buffer {
  const out = Buffer.alloc(Math.round((durationMs * SAMPLE_RATE) / 1000) * 2);
  for (const p of parts) {
    const at = Math.round((p.atMs * SAMPLE_RATE) / 1000) * 2;
    if (at >= out.length) continue;
    p.pcm.copy(out, at, 0, Math.min(p.pcm.length, out.length - at));
  }
  return out;
}
