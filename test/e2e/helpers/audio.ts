import type { Locator } from 'playwright-core';

/** Loads an audio player's recording and gives its length in seconds (it plays), or rejects with its error. */
export const audioDuration = (player: Locator): Promise<number> =>
  player.evaluate(
    (a: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        if (a.readyState >= 1) return resolve(a.duration);
        a.addEventListener('loadedmetadata', () => resolve(a.duration));
        a.addEventListener('error', () => reject(new Error(`audio error ${a.error?.code}`)));
        a.load();
      }),
  );
