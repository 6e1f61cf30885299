import { InvalidArgumentError, type Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../core';

/** Options and parsers shared by every `calldeck` subcommand. */

export function readVersion(): string {
  for (const candidate of [
    path.join(__dirname, '../../package.json'),
    path.join(process.cwd(), 'package.json'),
  ]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'calldeck' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export const parsePort = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is 0–65535');
  return n;
};

export const dataOption = (cmd: Command) =>
  cmd.option('--data <dir>', 'data folder (database, logs, recordings)', defaultDataDir());
