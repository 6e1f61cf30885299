import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../src/main/core';
import { freeDiskBytes } from '../../../src/main/core/config';

describe('default data folder (same as the desktop app)', () => {
  it('follows each OS convention for an app named CallDeck', () => {
    expect(defaultDataDir('linux', {}, '/home/asha')).toBe('/home/asha/.config/CallDeck');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x/cfg' }, '/home/asha')).toBe('/x/cfg/CallDeck');
    expect(defaultDataDir('darwin', {}, '/Users/asha')).toBe(
      '/Users/asha/Library/Application Support/CallDeck',
    );
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\asha\\AppData\\Roaming' }, 'C:\\Users\\asha')).toBe(
      'C:\\Users\\asha\\AppData\\Roaming\\CallDeck',
    );
  });
});

describe('free disk space (the recordings floor)', () => {
  it('reads the free bytes of a real folder, and of a folder not made yet through its parent', () => {
    const free = freeDiskBytes(os.tmpdir());
    expect(free).toBeGreaterThan(0);
    expect(Number.isSafeInteger(free)).toBe(true);
    const later = freeDiskBytes(path.join(os.tmpdir(), 'calldeck-no-such-folder', 'x'));
    expect(later).toBeGreaterThan(0);
    // A path through a file is no folder at all.
    expect(freeDiskBytes(path.join(__filename, 'x'))).toBeUndefined();
  });
});
