// ABI checks for native modules (better-sqlite3): which runtime a built `.node` file was compiled
// for, and which ABI the installed Electron expects. Used by electron-native.mjs so a copy built
// against the wrong headers is never used or cached (it would crash Electron at start).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The NODE_MODULE_VERSION a built addon was compiled for, or null when the file is not an addon.
 * Loading an addon of another ABI fails with a message naming both versions; one of ours loads.
 */
export function builtModuleAbi(file) {
  try {
    process.dlopen({ exports: {} }, file);
    return Number(process.versions.modules);
  } catch (err) {
    const m = /NODE_MODULE_VERSION (\d+)/.exec(String(err?.message ?? err));
    return m ? Number(m[1]) : null;
  }
}

/** The ABI the installed Electron expects (its package ships `abi_version`; node-abi as fallback). */
export function electronAbi(root) {
  const require = createRequire(path.join(root, 'package.json'));
  const dir = path.dirname(require.resolve('electron/package.json'));
  const file = path.join(dir, 'abi_version');
  if (fs.existsSync(file)) return Number(fs.readFileSync(file, 'utf8').trim());
  const version = require('electron/package.json').version;
  return Number(require('node-abi').getAbi(version, 'electron'));
}

/** Where the Electron binary should be, and whether it is there (the download may have failed). */
export function electronBinary(root) {
  const require = createRequire(path.join(root, 'package.json'));
  const dir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return { dir, present: false };
  const binary = path.join(dir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return { dir, binary, present: fs.existsSync(binary) };
}
