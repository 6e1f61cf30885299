// Entry point of the `calldeck` command (built to out/main/cli.js).
import { installProcessFaultPolicy } from '../core';
import { main } from './program';

// A rejection nobody handled is logged and the server goes on; an uncaught exception is logged and
// ends the process with a clear line (why: src/main/core/logging/process-faults.ts).
installProcessFaultPolicy();

// A reader that stops early (`calldeck lists | head -1`) closes the pipe under us: what was to be
// done is done, so end as the command would have, quietly, instead of crashing with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

void main(process.argv);
