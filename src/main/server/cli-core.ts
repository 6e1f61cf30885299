import fs from 'node:fs';
import path from 'node:path';
import { createCore, DATA_TOOL, DATABASE_FILE, type Core, type CoreConfig, type CoreProfile } from '../core';
import { readVersion } from './cli-options';
import { FileSecretStore } from './file-secret-store';
import { currentActor, SECRETS_FILE } from './host-server';

/** What a CLI command gets back from `core.invoke`, or the Api's typed error. */
export class CliApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliApiError';
  }
}

/**
 * Builds the core for one CLI command through the composition root, with only the parts the
 * command needs (DATA_TOOL: the database, the audit log and the Api; no port, no flite), on the
 * headless host's secret file.
 */
export function startCliCore(
  dataDir: string,
  profile: CoreProfile = DATA_TOOL,
  extra: Partial<CoreConfig> = {},
): Promise<Core> {
  const dir = path.resolve(dataDir);
  return createCore({
    dataDir: dir,
    host: 'cli',
    secrets: new FileSecretStore(path.join(dir, SECRETS_FILE)),
    actor: currentActor(),
    version: readVersion(),
    profile,
    ...extra,
  });
}

/** Runs `fn` on a CLI core and always stops it. */
export async function withCliCore<T>(
  dataDir: string,
  fn: (core: Core) => Promise<T> | T,
  profile: CoreProfile = DATA_TOOL,
): Promise<T> {
  const core = await startCliCore(dataDir, profile);
  try {
    return await fn(core);
  } finally {
    await core.stop();
  }
}

/**
 * Refuses a data folder that holds no CallDeck database. Commands that look after existing data
 * (backup, wipe, retention, export) call it first: opening a core would create a fresh install
 * there, so a mistyped --data would back up, wipe or export an empty folder and report success.
 */
export function requireDataFolder(dataDir: string): void {
  const dir = path.resolve(dataDir);
  if (fs.existsSync(path.join(dir, DATABASE_FILE))) return;
  throw new CliApiError(
    'not_found',
    `No CallDeck data in ${dir} (no ${DATABASE_FILE} there): check --data; nothing was done`,
  );
}

/** `core.invoke` for a command: the value, or a CliApiError with the Api's code and message. */
export async function call<T>(core: Core, channel: string, request: unknown = {}): Promise<T> {
  const r = await core.invoke(channel, request);
  if (!r.ok) throw new CliApiError(r.error.code, r.error.message);
  return r.value as T;
}
