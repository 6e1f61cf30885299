// `npm start` / `npm run dev` helper: builds a copy of better-sqlite3 for Electron's ABI into
// .electron-native/<electron version>/, leaving node_modules' Node build (used by the tests) alone.
// Needs internet once per Electron version (prebuilt download, or Electron headers for node-gyp).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const electronVersion = require('electron/package.json').version;
const target = path.join(root, '.electron-native', electronVersion, 'better_sqlite3.node');
if (fs.existsSync(target)) process.exit(0);

const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = path.join(root, '.electron-native', 'build');
fs.rmSync(work, { recursive: true, force: true });
fs.cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
const env = { ...process.env, npm_config_nodedir: '' };
const run = (cmd, args) =>
  execFileSync(cmd, args, { cwd: work, stdio: 'inherit', env, shell: process.platform === 'win32' });
console.log(`Preparing better-sqlite3 for Electron ${electronVersion} (one time)…`);
try {
  run('npx', ['--yes', 'prebuild-install', '--runtime=electron', `--target=${electronVersion}`, '--verbose']);
} catch {
  run('npx', [
    '--yes',
    'node-gyp',
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${electronVersion}`,
    '--dist-url=https://electronjs.org/headers',
  ]);
}
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
fs.rmSync(work, { recursive: true, force: true });
console.log(`better-sqlite3 for Electron ready: ${path.relative(root, target)}`);
