import { createCore, MemorySecretStore, type Core, type CoreConfig } from '../../src/main/core';
import type { LogRecord } from '../../src/main/core/logging';
import { memorySink } from '../../src/main/core/logging';
import path from 'node:path';
import { FileSecretStore } from '../../src/main/server';
import { makeTempDir } from './temp-dir';

/** A real core on a real SQLite file in a temp dir, with logs collected for assertions. */
export async function makeTestCore(overrides: Partial<CoreConfig> = {}): Promise<{
  core: Core;
  dir: string;
  logs: LogRecord[];
  cleanup: () => Promise<void>;
}> {
  const { dir, cleanup } = makeTempDir();
  const logs: LogRecord[] = [];
  const core = await createCore({
    dataDir: dir,
    host: 'server',
    secrets: new MemorySecretStore(),
    actor: 'tester',
    version: '0.0.0-test',
    logSinks: [memorySink(logs)],
    ...overrides,
  });
  return {
    core,
    dir,
    logs,
    cleanup: async () => {
      await core.stop();
      cleanup();
    },
  };
}

/**
 * A real server core on an existing data folder whose secrets live in the folder's secrets.json, as
 * `calldeck serve` keeps them: what a restart on the same folder (or the CLI after it) finds again.
 */
export function openFolderCore(dir: string, overrides: Partial<CoreConfig> = {}): Promise<Core> {
  return createCore({
    dataDir: dir,
    host: 'server',
    secrets: new FileSecretStore(path.join(dir, 'secrets.json')),
    actor: 'tester',
    version: '0.0.0-test',
    ...overrides,
  });
}
