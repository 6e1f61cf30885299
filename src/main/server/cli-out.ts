import fs from 'node:fs';
import path from 'node:path';
import { CliApiError } from './cli-core';

/**
 * Checks, before any work starts, that `out` can be created as a new file: it does not exist (a
 * file there is never overwritten) and its folder exists and is writable. A command that writes
 * its result only at the end (an export, a backup) would otherwise run, audit the work as done,
 * and then fail on the last step with a bare ENOENT naming its temp file.
 */
export function checkNewOutFile(out: string, what: string): string {
  const file = path.resolve(out);
  if (fs.existsSync(file))
    throw new CliApiError('invalid_request', `${file} exists: choose a new file for the ${what}`);
  const dir = path.dirname(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new CliApiError('invalid_request', `Cannot write ${file}: the folder ${dir} does not exist`);
  }
  if (!stat.isDirectory())
    throw new CliApiError('invalid_request', `Cannot write ${file}: ${dir} is not a folder`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new CliApiError('invalid_request', `Cannot write ${file}: the folder ${dir} is not writable`);
  }
  return file;
}
