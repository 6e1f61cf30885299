import fs from 'node:fs';
import path from 'node:path';
import { mkdirPrivate } from '../config';
import { processAlive } from '../files';

/** Folder of the data folder where each running host that takes calls leaves `<pid>.pid`. */
export const LIVE_HOSTS_DIR = 'run';

export interface LiveHostClaim {
  /** Other CallDeck processes taking calls on this data folder now (their calls are not ours). */
  others: number[];
  release(): void;
}

/**
 * Marks this process as one that takes calls on the data folder, and says which others do. Start-up
 * recovery settles calls and bot sessions left open only when no other such process is alive: a
 * `calldeck voicebot` started next to the app must not end the app's live calls. Marks of processes
 * that are gone (a crash) are removed.
 */
export function claimLiveHost(dataDir: string): LiveHostClaim {
  const dir = path.join(dataDir, LIVE_HOSTS_DIR);
  mkdirPrivate(dir);
  const others: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = /^(\d{1,10})\.pid$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    if (processAlive(pid)) others.push(pid);
    else fs.rmSync(path.join(dir, name), { force: true });
  }
  const mine = path.join(dir, `${process.pid}.pid`);
  fs.writeFileSync(mine, `${new Date().toISOString()}\n`, { mode: 0o600 });
  return { others, release: () => fs.rmSync(mine, { force: true }) };
}
