import type { Logger } from './logger';
import { truncate } from './summarise';

/**
 * What a CallDeck process does with a promise rejection nobody handled and an exception nobody
 * caught (installed once by each host's entry: `calldeck …` and the desktop app's main).
 *
 * - An unhandled rejection is logged with its stack (through the core's rate-limited log, so a
 *   flood costs a few lines), counted, and the process goes on: it ended one piece of async work,
 *   the event loop and every other call are intact, and Node's default (since v15: crash) would end
 *   every live call for it. A one-shot command still ends with exit code 1, so a script sees it.
 * - An uncaught exception is logged with its stack, counted, said on stderr in one line, and the
 *   process exits (code 70). Node's documentation is plain that the process is in an undefined
 *   state after one (a half-run handler may have left a session, a transaction or a lock behind),
 *   and nothing here can show it was contained; everything CallDeck keeps is durable (SQLite, the
 *   audit head, recordings written as they run), a restart settles interrupted calls and jobs, and a
 *   supervisor (systemd, the desktop app's relaunch) starts it again.
 */

export interface ProcessFaultCounts {
  unhandledRejections: number;
  uncaughtExceptions: number;
}

/** Exit code after an uncaught exception (sysexits' EX_SOFTWARE: an internal error). */
export const UNCAUGHT_EXIT_CODE = 70;

const counts: ProcessFaultCounts = { unhandledRejections: 0, uncaughtExceptions: 0 };
/** The running cores' logs, newest last (a process normally runs one). */
const logs: Logger[] = [];
let installed = false;

export function processFaultCounts(): ProcessFaultCounts {
  return { ...counts };
}

/** Faults go to `log` while it is attached (a core attaches its own while it runs). Returns the detach. */
export function attachProcessFaultLog(log: Logger): () => void {
  logs.push(log);
  return () => {
    const i = logs.lastIndexOf(log);
    if (i >= 0) logs.splice(i, 1);
  };
}

const describe = (value: unknown): string =>
  truncate(value instanceof Error ? `${value.name}: ${value.message}` : String(value), 300);
const stackOf = (value: unknown): string =>
  truncate(value instanceof Error ? (value.stack ?? describe(value)) : describe(value), 4000);

export interface ProcessFaultPolicyOptions {
  /** Ends the process (tests pass their own). */
  exit?: (code: number) => void;
  stderr?: (text: string) => void;
}

/** Installs the policy above on this process, once (later calls do nothing). */
export function installProcessFaultPolicy(o: ProcessFaultPolicyOptions = {}): void {
  if (installed) return;
  installed = true;
  const stderr = o.stderr ?? ((text: string) => process.stderr.write(text));
  const exit = o.exit ?? ((code: number) => process.exit(code));
  process.on('unhandledRejection', (reason: unknown) => {
    counts.unhandledRejections += 1;
    const log = logs.at(-1);
    if (log)
      log.error('unhandled promise rejection: logged, the process goes on', {
        err: reason,
        count: counts.unhandledRejections,
      });
    else stderr(`calldeck: unhandled promise rejection (the process goes on): ${stackOf(reason)}\n`);
    if (!process.exitCode) process.exitCode = 1;
  });
  process.on('uncaughtException', (err: Error, origin: string) => {
    counts.uncaughtExceptions += 1;
    try {
      logs.at(-1)?.error('uncaught exception: CallDeck stops (its state may be corrupt)', { err, origin });
    } finally {
      const where = logs.length > 0 ? ' (stack in the log)' : `\n${stackOf(err)}`;
      stderr(`calldeck: uncaught exception, stopping: ${describe(err)}${where}\n`);
      exit(UNCAUGHT_EXIT_CODE);
    }
  });
}
