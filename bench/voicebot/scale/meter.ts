import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

// The bot's use of the machine during a step: CPU and resident memory of this process (the voicebot,
// its ASR worker threads) plus its child processes (the flite pool), read from /proc (Linux; the
// benchmark machines). The load generator's own process is left out.

const TICK_MS = 10; // USER_HZ is 100 on Linux (getconf CLK_TCK)
const PAGE = 4096;

interface ProcUse {
  cpuMs: number;
  rssBytes: number;
}

function readProc(pid: number): (ProcUse & { ppid: number }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state ppid … utime(14) stime(15) … rss(24).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(f[i - 3]);
    return { ppid: n(4), cpuMs: (n(14) + n(15)) * TICK_MS, rssBytes: n(24) * PAGE };
  } catch {
    return undefined; // gone between listing and reading
  }
}

/** Per pid: this process and its children, except `exclude`. */
export function botProcesses(exclude: ReadonlySet<number>): Map<number, ProcUse> {
  const uses = new Map<number, ProcUse>();
  const self = readProc(process.pid);
  if (self) uses.set(process.pid, self);
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid || exclude.has(pid)) continue;
    const use = readProc(pid);
    if (use?.ppid === process.pid) uses.set(pid, use);
  }
  return uses;
}

/** Resident memory of the bot's processes now (bytes): this process, its threads and children. */
export function botRssBytes(exclude: ReadonlySet<number> = new Set()): number {
  return sum(botProcesses(exclude), 'rssBytes');
}

/** Meters one step: CPU used between start and stop, and the peak of resident memory (sampled). */
export class StepMeter {
  private readonly exclude = new Set<number>();
  private readonly before: Map<number, ProcUse>;
  readonly rssBefore: number;
  private peak: number;
  private readonly timer: NodeJS.Timeout;

  constructor(sampleMs = 500) {
    this.before = botProcesses(this.exclude);
    this.rssBefore = sum(this.before, 'rssBytes');
    this.peak = this.rssBefore;
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, sum(botProcesses(this.exclude), 'rssBytes'));
    }, sampleMs);
    this.timer.unref(); // a step that throws must not keep the process alive
  }

  excludePid(pid: number | undefined): void {
    if (pid !== undefined) this.exclude.add(pid);
  }

  /** CPU (ms) used by the bot's processes over the step; peak and start RSS (bytes). */
  stop(): { cpuMs: number; rssPeak: number; rssBefore: number } {
    clearInterval(this.timer);
    const after = botProcesses(this.exclude);
    let cpuMs = 0;
    for (const [pid, use] of after) cpuMs += use.cpuMs - (this.before.get(pid)?.cpuMs ?? 0);
    this.peak = Math.max(this.peak, sum(after, 'rssBytes'));
    return { cpuMs, rssPeak: this.peak, rssBefore: this.rssBefore };
  }
}

const sum = (uses: Map<number, ProcUse>, key: keyof ProcUse) =>
  [...uses.values()].reduce((a, u) => a + u[key], 0);

/** "2 × AMD EPYC" and the load average, for the printout. */
export function machine(): string {
  const cpus = os.cpus();
  return (
    `${cpus.length} cores (nproc) × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ` +
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} (1/5/15 min)`
  );
}
