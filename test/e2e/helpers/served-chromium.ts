import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../helpers/browser';
import { startServe, type ServeProcess } from '../../helpers/serve-process';
import { makeTempDir } from '../../helpers/temp-dir';

export interface ServedChromium {
  readonly browser: Browser;
  readonly serve: ServeProcess;
  /** The served app's data folder. */
  readonly dir: string;
}

/**
 * Registers the hooks of a describe block that drives `calldeck serve` (on a fresh data folder,
 * `prepare`d before the start) in Debian's Chromium, and stops both and removes the folder after.
 */
export function servedChromium(options: {
  prefix: string;
  sandbox?: boolean;
  prepare?: (dir: string) => void | Promise<void>;
}): ServedChromium {
  let browser: Browser | undefined;
  let serve: ServeProcess | undefined;
  let dir: string | undefined;
  let cleanup = () => {};
  beforeAll(async () => {
    const tmp = makeTempDir(options.prefix);
    cleanup = tmp.cleanup;
    dir = tmp.dir;
    await options.prepare?.(tmp.dir);
    serve = await startServe(['--data', tmp.dir, '--port', '0', ...(options.sandbox ? ['--sandbox'] : [])]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    cleanup();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: use it inside a test or a later hook`);
    return value;
  };
  return {
    get browser() {
      return started(browser, 'Chromium');
    },
    get serve() {
      return started(serve, 'calldeck serve');
    },
    get dir() {
      return started(dir, 'The data folder');
    },
  };
}
