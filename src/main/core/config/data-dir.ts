import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'CallDeck';

/**
 * The OS app-data folder the desktop app uses (Electron's `userData` for an app named CallDeck),
 * computed without Electron so the CLI and the headless host find the same data.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  switch (platform) {
    case 'win32':
      return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', APP_NAME);
    default:
      return path.posix.join(env.XDG_CONFIG_HOME ?? path.posix.join(home, '.config'), APP_NAME);
  }
}

export const DATABASE_FILE = 'calldeck.sqlite';
/** The audit chain's anchored head (rows and last hash, MACed), beside the database. */
export const AUDIT_HEAD_FILE = 'calldeck.audit-head.json';
export const LOG_FILE = path.join('logs', 'calldeck.log');
