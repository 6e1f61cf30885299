// `npm start` / `npm run dev` helper: makes sure the Electron binary is installed, then builds a copy
// of better-sqlite3 for Electron's ABI into .electron-native/<electron version>/, leaving
// node_modules' Node build (used by the tests) alone. Needs internet once per Electron version.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { builtModuleAbi, electronAbi, electronBinary } from './native-abi.mjs';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const electronVersion = require('electron/package.json').version;
const target = path.join(root, '.electron-native', electronVersion, 'better_sqlite3.node');
const INSTALL_TIMEOUT_MS = Number(process.env.CALLDECK_ELECTRON_INSTALL_TIMEOUT_MS ?? 180_000);

function fail(lines) {
  console.error(['', ...lines.map((l) => `  ${l}`), ''].join('\n'));
  process.exit(1);
}

const noElectron = (why) => [
  `CallDeck: the Electron ${electronVersion} binary is not installed (${why}).`,
  '`npm start` needs it; npm downloads it once, from GitHub, which needs internet.',
  'With internet: `node node_modules/electron/install.js`, then `npm start` again.',
  'Without it, the same app runs in your browser: `npm run serve`.',
];

// 1. The Electron binary: its download happens at install time and fails silently offline.
if (!electronBinary(root).present) {
  console.log(`Downloading the Electron ${electronVersion} binary (one time)…`);
  const install = spawnSync(process.execPath, [path.join(electronBinary(root).dir, 'install.js')], {
    stdio: 'inherit',
    timeout: INSTALL_TIMEOUT_MS,
  });
  if (install.error || install.status !== 0 || !electronBinary(root).present) {
    fail(noElectron(install.error ? install.error.message : `download failed, exit ${install.status}`));
  }
}

// 2. better-sqlite3 for Electron's ABI; a cached copy of another ABI is thrown away.
const wanted = electronAbi(root);
if (fs.existsSync(target)) {
  const abi = builtModuleAbi(target);
  if (abi === wanted) process.exit(0);
  console.log(`Discarding ${path.relative(root, target)}: built for ABI ${abi}, Electron needs ${wanted}.`);
  fs.rmSync(target);
}

const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = path.join(root, '.electron-native', 'build');
fs.rmSync(work, { recursive: true, force: true });
fs.cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
// npm's own `nodedir` setting (e.g. pointing at the system Node headers) would build for Node's ABI:
// the tools run directly, not through npm/npx, with no npm_config_* in their environment.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k) && k !== 'NODE_OPTIONS'),
);
const tool = (pkg, bin) => {
  try {
    return [process.execPath, require.resolve(`${pkg}/${bin}`)];
  } catch {
    return ['npx', '--yes', pkg];
  }
};
const run = ([cmd, ...pre], args) =>
  execFileSync(cmd, [...pre, ...args], {
    cwd: work,
    stdio: 'inherit',
    env,
    shell: process.platform === 'win32',
  });
console.log(`Preparing better-sqlite3 for Electron ${electronVersion} (one time)…`);
try {
  run(tool('prebuild-install', 'bin.js'), ['--runtime=electron', `--target=${electronVersion}`, '--verbose']);
} catch {
  run(tool('node-gyp', 'bin/node-gyp.js'), [
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${electronVersion}`,
    '--dist-url=https://electronjs.org/headers',
  ]);
}
const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
const abi = builtModuleAbi(built);
if (abi !== wanted) {
  fail([
    `CallDeck: better-sqlite3 was built for ABI ${abi}, but Electron ${electronVersion} needs ${wanted}.`,
    "The Node headers were probably used instead of Electron's (check `npm config get nodedir`).",
    'Nothing was cached; `npm run serve` runs the app in your browser meanwhile.',
  ]);
}
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(built, target);
fs.rmSync(work, { recursive: true, force: true });
console.log(`better-sqlite3 for Electron ready: ${path.relative(root, target)}`);
