import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../src/main/core';

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
