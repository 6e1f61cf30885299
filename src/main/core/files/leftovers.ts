import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging';

/**
 * Leftovers of a crash: scratch files and folders named with the id of the process that made them
 * (`<prefix><pid>-…`). One whose process is gone is removed; one whose process still runs belongs
 * to another CallDeck (or, after a reboot, to an unrelated process that reused the id) and is left
 * alone. Names from versions that did not carry a pid are removed once older than `legacyAgeMs`.
 */
export interface LeftoverRule {
  /** Folder to look in. */
  dir: string;
  /** Name prefix, e.g. 'calldeck-flite-'. */
  prefix: string;
  /** What follows `<pid>-` in a name of ours (nothing else is touched, even with our prefix). */
  tail: RegExp;
  /** The rest of an old-style name without a pid (e.g. mkdtemp's 6 characters). */
  legacyRest?: RegExp;
  legacyAgeMs?: number;
  log?: Logger;
  now?: () => number;
}

export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the rule's leftovers; returns the names removed. */
export function sweepLeftovers(rule: LeftoverRule): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(rule.dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const uid = process.getuid?.();
  const now = rule.now?.() ?? Date.now();
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(rule.prefix)) continue;
    const rest = name.slice(rule.prefix.length);
    const legacy = rule.legacyRest?.test(rest) ?? false;
    const tagged = legacy ? null : /^(\d{1,10})-(.*)$/s.exec(rest);
    if (!legacy && !(tagged && rule.tail.test(tagged[2] ?? ''))) continue;
    const p = path.join(rule.dir, name);
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    // Only ours: never another user's entry in a shared folder such as /tmp, never a link.
    if (!stat || stat.isSymbolicLink() || (uid !== undefined && stat.uid !== uid)) continue;
    const stale = tagged
      ? !processAlive(Number(tagged[1]))
      : now - stat.mtimeMs > (rule.legacyAgeMs ?? 3_600_000);
    if (!stale) continue;
    fs.rmSync(p, { recursive: true, force: true });
    removed.push(name);
  }
  if (removed.length > 0)
    rule.log?.info('removed leftovers of an earlier run', { dir: rule.dir, removed: removed.length });
  return removed;
}
