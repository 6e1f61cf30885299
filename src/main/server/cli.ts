// Entry point of the `calldeck` command (built to out/main/cli.js).
import { main } from './program';

// A reader that stops early (`calldeck lists | head -1`) closes the pipe under us: what was to be
// done is done, so end as the command would have, quietly, instead of crashing with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

void main(process.argv);
