import { randomUUID } from 'node:crypto';

/**
 * Which process runs a job: `<pid>:<run id>`. A restart takes up only jobs whose owner is gone, so a
 * second CallDeck on the same data folder (a CLI command next to the app) never steals live work.
 */
const liveRuns = new Set<string>();

export function newOwner(): string {
  const run = randomUUID();
  liveRuns.add(run);
  return `${process.pid}:${run}`;
}

export function releaseOwner(owner: string): void {
  liveRuns.delete(owner.slice(owner.indexOf(':') + 1));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * False when the owner's process is gone, or is this process and that engine stopped. A reused pid
 * (after a reboot) would read as alive: the engine's heartbeat covers that case (see JobEngine).
 */
export function ownerAlive(owner: string): boolean {
  const m = /^(\d{1,10}):(.+)$/.exec(owner);
  if (!m?.[1] || !m[2]) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return liveRuns.has(m[2]);
  return processAlive(pid);
}
