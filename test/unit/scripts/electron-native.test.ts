import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir';

const root = path.resolve(__dirname, '../../..');
const NODE_BUILD = path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
const NODE_ABI = Number(process.versions.modules);
const ELECTRON_VERSION = '45.0.0';

/**
 * A copy of the `npm start` helper in a project of its own: a stand-in electron package (its
 * install.js, its abi_version, its binary or none), so the script runs for real without a network.
 */
function project(opts: { binary: boolean; electronAbi: number; installFails?: boolean }) {
  const tmp = makeTempDir('calldeck-electron-native-');
  const at = (...p: string[]) => path.join(tmp.dir, ...p);
  fs.mkdirSync(at('scripts'));
  for (const f of ['electron-native.mjs', 'native-abi.mjs'])
    fs.copyFileSync(path.join(root, 'scripts', f), at('scripts', f));
  fs.writeFileSync(at('package.json'), '{"name":"app","private":true}');
  const electron = at('node_modules/electron');
  fs.mkdirSync(path.join(electron, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(electron, 'package.json'),
    `{"name":"electron","version":"${ELECTRON_VERSION}"}`,
  );
  fs.writeFileSync(path.join(electron, 'abi_version'), String(opts.electronAbi));
  // What @electron/get does offline: an error, exit 1, no binary.
  fs.writeFileSync(
    path.join(electron, 'install.js'),
    "console.error('TypeError: fetch failed'); process.exit(1);\n",
  );
  if (opts.binary) {
    fs.writeFileSync(path.join(electron, 'path.txt'), 'electron');
    fs.writeFileSync(path.join(electron, 'dist', 'electron'), '');
  }
  // A better-sqlite3 whose "prebuilt" download hands back Node's build: the wrong headers.
  fs.mkdirSync(at('node_modules/better-sqlite3'), { recursive: true });
  fs.writeFileSync(at('node_modules/better-sqlite3/package.json'), '{"name":"better-sqlite3"}');
  fs.mkdirSync(at('node_modules/prebuild-install'), { recursive: true });
  fs.writeFileSync(
    at('node_modules/prebuild-install/bin.js'),
    `const fs = require('node:fs');
fs.mkdirSync('build/Release', { recursive: true });
fs.copyFileSync(${JSON.stringify(NODE_BUILD)}, 'build/Release/better_sqlite3.node');\n`,
  );
  const cached = at('.electron-native', ELECTRON_VERSION, 'better_sqlite3.node');
  const run = () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [at('scripts/electron-native.mjs')], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}`, ms: Date.now() - started };
  };
  return { run, cached, cleanup: tmp.cleanup };
}

describe('`npm start` helper (scripts/electron-native.mjs), run for real', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('without a downloadable Electron, says what is missing and points to `npm run serve`, at once', () => {
    const p = project({ binary: false, electronAbi: 140 });
    cleanup = p.cleanup;
    const r = p.run();
    expect(r.status).toBe(1);
    expect(r.out).toContain(`the Electron ${ELECTRON_VERSION} binary is not installed`);
    expect(r.out).toContain('`npm run serve`');
    expect(r.ms).toBeLessThan(30_000);
    expect(fs.existsSync(p.cached)).toBe(false);
  });

  it("throws away a cached copy built for Node's ABI, and never caches a fresh build of the wrong ABI", () => {
    const p = project({ binary: true, electronAbi: NODE_ABI + 13 });
    cleanup = p.cleanup;
    fs.mkdirSync(path.dirname(p.cached), { recursive: true });
    fs.copyFileSync(NODE_BUILD, p.cached);
    const r = p.run();
    expect(r.out).toContain(`built for ABI ${NODE_ABI}, Electron needs ${NODE_ABI + 13}`);
    expect(r.out).toContain(
      `better-sqlite3 was built for ABI ${NODE_ABI}, but Electron ${ELECTRON_VERSION} needs`,
    );
    expect(r.out).toContain('Nothing was cached');
    expect(r.status).toBe(1);
    expect(fs.existsSync(p.cached)).toBe(false);
  });

  it("uses a cached copy of Electron's ABI as it is, building nothing", () => {
    const p = project({ binary: true, electronAbi: NODE_ABI });
    cleanup = p.cleanup;
    fs.mkdirSync(path.dirname(p.cached), { recursive: true });
    fs.copyFileSync(NODE_BUILD, p.cached);
    const r = p.run();
    expect(r).toMatchObject({ status: 0, out: '' });
    expect(fs.existsSync(p.cached)).toBe(true);
  });
});
