import os from 'node:os';
import { sweepLeftovers } from '../../files';
import type { Logger } from '../../logging';

/** Each flite worker's temp folder: `calldeck-flite-<pid of the CallDeck process>-XXXXXX`. */
export const FLITE_TEMP_PREFIX = 'calldeck-flite-';

/**
 * Removes flite temp folders a crashed CallDeck left in the OS temp folder: those of processes that
 * are gone, and pid-less ones from older versions once an hour old. Other users' folders and
 * running instances' folders are left alone. Returns the names removed.
 */
export function sweepFliteTemp(log?: Logger, dir: string = os.tmpdir()): string[] {
  return sweepLeftovers({
    dir,
    prefix: FLITE_TEMP_PREFIX,
    tail: /^[A-Za-z0-9]{6}$/,
    legacyRest: /^[A-Za-z0-9]{6}$/,
    log,
  });
}
