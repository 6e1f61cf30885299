'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs the built bundles in a child Node */
/**
 * Runs the REAL built Electron main bundle and preload bundle in this Node process, with the fake
 * `electron` module (node -r register.cjs), then the renderer's own Api installation in the page's
 * world over what the preload exposed, and drives `window.calldeck` like the renderer would.
 * It only observes: every observation goes to stdout as one JSON line, and the test asserts.
 * Usage: node -r register.cjs drive-shell.cjs <scenario>
 *   (env: FAKE_ELECTRON_APP_PATH, FAKE_ELECTRON_PAGE_BUNDLE, CALLDECK_DATA)
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { __fake: fake, app } = require('electron');
const { runFull, runDev, runArtifacts } = require('./scenarios.cjs');
const { runPdf } = require('./scenario-pdf.cjs');
const { runBackup } = require('./scenario-backup.cjs');

const MARK = '@@fake-electron@@ ';
const report = (kind, data) => process.stdout.write(`${MARK}${JSON.stringify({ kind, data })}\n`);
const scenario = process.argv[2] ?? 'full';
const root = process.env.FAKE_ELECTRON_APP_PATH;
if (!root) throw new Error('FAKE_ELECTRON_APP_PATH must name the repository root');
const pageBundle = process.env.FAKE_ELECTRON_PAGE_BUNDLE;
if (!pageBundle) throw new Error('FAKE_ELECTRON_PAGE_BUNDLE must name the bundle from bundlePage()');

/** Resolves on `event` of the fake's bus, rejects after `ms` (every wait here is bounded). */
function waitFor(event, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${event}`)), ms);
    timer.unref();
    fake.registry.bus.once(event, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

// app.exit() ends an Electron app at once: report what led there, then end this process too.
fake.registry.bus.on('exit', (code) => {
  report('app-exit', { code, calls: fake.calls });
  process.exit(code === 0 ? 0 : 1);
});

/** The preload as Electron runs a sandboxed one: its own JS world, require('electron') and little else. */
function loadPreload(win) {
  const preloadPath = win.options.webPreferences.preload;
  const context = vm.createContext({ console, URL, TextEncoder, TextDecoder, queueMicrotask });
  const isolatedRealm = vm.runInContext('({ Object, Array, Error, Promise })', context);
  const mainRealm = { Object, Array, Error, Promise };
  const modules = fake.attachRenderer(win.webContents, isolatedRealm, mainRealm);
  const allowed = new Set(['events', 'timers', 'url']);
  const sandboxRequire = (id) => {
    if (id === 'electron') return modules.electron;
    if (allowed.has(id)) return require(id);
    throw new Error(
      `module not found: ${id} (a sandboxed preload can only require electron, events, timers, url)`,
    );
  };
  const source = fs.readFileSync(preloadPath, 'utf8');
  const wrapper = vm.runInContext(
    `(function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {${source}\n})`,
    context,
    { filename: preloadPath },
  );
  const module = { exports: {} };
  const limitedProcess = { platform: process.platform, type: 'renderer', sandboxed: true, env: {} };
  wrapper(
    sandboxRequire,
    limitedProcess,
    Buffer,
    context,
    setImmediate,
    clearImmediate,
    module.exports,
    module,
  );
  return modules;
}

/**
 * The page's own scripts, in the page's world (this realm, the bridge's main world): the renderer's
 * bridge/install.ts and api.ts, bundled by run-shell.ts. `window` is what the page sees of
 * exposeInMainWorld; nothing else of this process is handed to it.
 */
function loadPage(modules) {
  const window = modules.mainWorld;
  const exposedKeys = Object.keys(window);
  const source = fs.readFileSync(pageBundle, 'utf8');
  const wrapper = vm.runInThisContext(`(function (window, exports, module) {${source}\n})`, {
    filename: pageBundle,
  });
  const module = { exports: {} };
  wrapper(window, module.exports, module);
  const page = module.exports;
  const installed = page.installBridgeIfNeeded();
  const descriptor = Object.getOwnPropertyDescriptor(window, 'calldeck');
  return {
    exposedKeys,
    installed,
    apiWritable: descriptor?.writable,
    calldeck: window.calldeck,
    fieldErrors: page.fieldErrors,
  };
}

async function main() {
  report('start', { scenario, pid: process.pid, electronVersion: process.versions.electron });
  require(path.join(root, 'out', 'main', 'index.js'));
  const earlyQuit = app.quitCalls > 0;
  fake.markReady();
  if (earlyQuit) {
    report('result', { earlyQuit, windows: fake.registry.windows.length, calls: fake.calls });
    return;
  }
  const win = await waitFor('window', 15_000);
  // Let the load finish as Electron would (ready-to-show fires after the first paint).
  await new Promise((resolve) => setImmediate(resolve));
  const modules = loadPreload(win);
  const page = loadPage(modules);
  const ctx = { fake, app, win, modules, page, waitFor, report };
  const scenarios = { dev: runDev, artifacts: runArtifacts, full: runFull, pdf: runPdf, backup: runBackup };
  const result = await (scenarios[scenario] ?? runFull)(ctx);
  report('result', result);
}

main().then(
  () => {
    // Nothing else should keep this process alive now: the core has stopped. If something does,
    // name it (an unref'd timer does not itself hold the process).
    setTimeout(() => {
      report('leak', { resources: process.getActiveResourcesInfo() });
      process.exit(4);
    }, 8_000).unref();
  },
  (err) => {
    report('fatal', { message: err instanceof Error ? err.message : String(err), stack: err?.stack });
    process.exit(2);
  },
);
