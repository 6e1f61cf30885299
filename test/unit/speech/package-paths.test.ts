import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  asarUnpacked,
  soundswallowerModelBase,
  soundswallowerModuleUrl,
} from '../../../src/main/core/speech';
import { makeTempDir } from '../../helpers/temp-dir';

// ASR worker threads load soundswallower by file URL and its model by folder: in the packaged app
// these must be the app.asar.unpacked copies (electron-builder.yml unpacks the speech packages).

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

it('maps a file inside app.asar to its unpacked copy when there is one', () => {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  const inside = path.join(dir, 'resources', 'app.asar', 'node_modules', 'soundswallower', 'index.js');
  const unpacked = path.join(
    dir,
    'resources',
    'app.asar.unpacked',
    'node_modules',
    'soundswallower',
    'index.js',
  );
  expect(asarUnpacked(inside)).toBe(inside); // nothing unpacked: unchanged
  fs.mkdirSync(path.dirname(unpacked), { recursive: true });
  fs.writeFileSync(unpacked, '');
  expect(asarUnpacked(inside)).toBe(unpacked);
  expect(asarUnpacked(unpacked)).toBe(unpacked);
});

it('resolves soundswallower from node_modules outside an asar', () => {
  expect(soundswallowerModuleUrl()).toMatch(
    /^file:\/\/.*node_modules\/soundswallower\/soundswallower\.node\.js$/,
  );
  expect(fs.existsSync(path.join(soundswallowerModelBase(), 'en-us'))).toBe(true);
});
