/** One audio element and the time (seconds) it should play from. */
export interface PlayTarget {
  audio: HTMLMediaElement;
  atS: number;
}

const WAIT_MS = 5_000;

function once(audio: HTMLMediaElement, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => {
      audio.removeEventListener(event, done);
      reject(new Error(`the audio did not become ready (${event})`));
    }, WAIT_MS);
    const done = () => {
      window.clearTimeout(timer);
      resolve();
    };
    audio.addEventListener(event, done, { once: true });
  });
}

async function seek(target: PlayTarget): Promise<void> {
  const { audio } = target;
  if (audio.readyState < HTMLMediaElement.HAVE_METADATA) await once(audio, 'loadedmetadata');
  const at = Math.min(Math.max(0, target.atS), Number.isFinite(audio.duration) ? audio.duration : target.atS);
  if (Math.abs(audio.currentTime - at) < 0.001) return;
  const seeked = once(audio, 'seeked');
  audio.currentTime = at;
  await seeked;
}

/**
 * Plays several audio elements together from their own offsets: all pause, all seek, then all
 * start, so the two runs (and each run's caller and bot channels) stay in step.
 */
export async function playAllFrom(targets: PlayTarget[]): Promise<void> {
  for (const t of targets) t.audio.pause();
  await Promise.all(targets.map(seek));
  await Promise.all(targets.map((t) => t.audio.play()));
}

export function pauseAll(audios: HTMLMediaElement[]): void {
  for (const a of audios) a.pause();
}
