'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs in a child Node before the bundles */
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const path = require('node:path');
const { BrowserWindow, FakeWebContents, registry, preventable } = require('./browser-window.cjs');
const { ipcMain, handlers, invokeFrom, createRendererModules } = require('./ipc.cjs');
const utilityFork = require('./utility-process.cjs').fork;

/**
 * A stand-in for the `electron` module in a plain Node process (the binary cannot be downloaded
 * here). It implements what src/main/shell and src/preload use, with Electron's observable
 * semantics (quit sequence, IPC cloning, context bridge copies), and records every call.
 */
const calls = [];
const record = (name, ...args) => calls.push({ name, args: structuredClone(args) });
const appPath = process.env.FAKE_ELECTRON_APP_PATH ?? process.cwd();

let markReady;
const ready = new Promise((resolve) => (markReady = resolve));
let isReady = false;
const paths = new Map();

class FakeApp extends EventEmitter {
  constructor() {
    super();
    this.isPackaged = false;
    this.quitting = false;
    this.quitCalls = 0;
    /** Ordered app-level happenings (quit sequence), for the test. */
    this.timeline = [];
    /** Called at the start of every app.quit(), before any event: lets the driver probe state. */
    this.onQuitCalled = undefined;
  }
  whenReady() {
    return ready;
  }
  isReady() {
    return isReady;
  }
  requestSingleInstanceLock() {
    record('app.requestSingleInstanceLock');
    return process.env.FAKE_ELECTRON_LOCK_HELD !== '1';
  }
  setPath(name, value) {
    record('app.setPath', name, value);
    paths.set(name, value);
  }
  getPath(name) {
    const value = paths.get(name);
    if (value === undefined) throw new Error(`Failed to get '${name}' path`);
    return value;
  }
  getAppPath() {
    return appPath;
  }
  getVersion() {
    return JSON.parse(fs.readFileSync(path.join(appPath, 'package.json'), 'utf8')).version;
  }
  getName() {
    return 'CallDeck';
  }
  /** Electron's sequence: before-quit (preventable), windows close, will-quit, quit. */
  quit() {
    this.quitCalls += 1;
    this.timeline.push(`quit() #${this.quitCalls}`);
    this.onQuitCalled?.(this.quitCalls);
    if (this.quitting) return;
    const before = preventable();
    this.emit('before-quit', before);
    if (before.defaultPrevented) {
      this.timeline.push('before-quit prevented');
      return;
    }
    this.quitting = true;
    this.timeline.push('before-quit');
    for (const win of BrowserWindow.getAllWindows()) win.destroy();
    const willQuit = preventable();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.quitting = false;
      this.timeline.push('will-quit prevented');
      return;
    }
    this.timeline.push('quit');
    this.emit('quit', {}, 0);
    registry.bus.emit('quit');
  }
  /** Exits at once, no events (Electron's app.exit). The driver reports, then ends the process. */
  exit(code = 0) {
    this.timeline.push(`exit(${code})`);
    registry.bus.emit('exit', code);
  }
}
const app = new FakeApp();
registry.app = app;

/** Reversible, not plain text: a "v10" prefix like Chromium's, then the bytes XOR-ed with a key. */
const KEY = Buffer.from('fake-os-keychain-key');
const xor = (buf) => Buffer.from(buf.map((b, i) => b ^ KEY[i % KEY.length]));
const keychain = { available: true };
const safeStorage = {
  isEncryptionAvailable: () => keychain.available,
  encryptString(plain) {
    if (typeof plain !== 'string') throw new TypeError('encryptString takes a string');
    record('safeStorage.encryptString');
    return Buffer.concat([Buffer.from('v10'), xor(Buffer.from(plain, 'utf8'))]);
  },
  decryptString(cipher) {
    if (!Buffer.isBuffer(cipher)) throw new TypeError('decryptString takes a Buffer');
    if (cipher.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext');
    record('safeStorage.decryptString');
    return xor(cipher.subarray(3)).toString('utf8');
  },
};

const dialog = {
  showErrorBox(title, content) {
    record('dialog.showErrorBox', title, content);
    process.stderr.write(`[fake electron] error box: ${title}: ${content}\n`);
  },
  showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
  showSaveDialog: () => Promise.resolve({ canceled: true }),
  showMessageBox: () => Promise.resolve({ response: 0, checkboxChecked: false }),
};

let applicationMenu = null;
const Menu = {
  buildFromTemplate: (template) => ({ items: template }),
  setApplicationMenu(menu) {
    applicationMenu = menu;
  },
  getApplicationMenu: () => applicationMenu,
};

const shell = {
  openExternal(url) {
    record('shell.openExternal', url);
    return Promise.resolve();
  },
  openPath(p) {
    record('shell.openPath', p);
    return Promise.resolve('');
  },
};

const utilityProcess = {
  fork(modulePath, args, options) {
    if (!isReady) throw new Error('utilityProcess.fork can only be called after the ready event');
    record('utilityProcess.fork', path.basename(modulePath), { env: { ...options?.env } });
    return utilityFork(modulePath, args, options);
  },
};

/** Electron's protocol module: privileged schemes only before ready, handlers only after. */
const privilegedSchemes = [];
const protocolHandlers = new Map();
const protocol = {
  registerSchemesAsPrivileged(schemes) {
    record('protocol.registerSchemesAsPrivileged', schemes);
    if (isReady) throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
    privilegedSchemes.push(...schemes);
  },
  handle(scheme, handler) {
    record('protocol.handle', scheme);
    if (!isReady) throw new Error('protocol.handle can only be called after the ready event');
    if (protocolHandlers.has(scheme)) throw new Error(`The scheme ${scheme} is already handled`);
    protocolHandlers.set(scheme, handler);
  },
  unhandle(scheme) {
    protocolHandlers.delete(scheme);
  },
  isProtocolHandled: (scheme) => protocolHandlers.has(scheme),
};

/** Test hooks, not part of Electron. */
const fake = {
  calls,
  registry,
  handlers,
  markReady() {
    isReady = true;
    app.emit('ready', {}, {});
    markReady();
  },
  /** A page the shell did not create (another origin, a stray frame): its IPC must be refused. */
  foreignContents: (url) => new FakeWebContents({}, url),
  invokeFrom,
  /** Attaches the page: renderer modules for its preload, and webContents.send delivery to it. */
  attachRenderer(contents, isolatedRealm, mainRealm) {
    const modules = createRendererModules(contents, isolatedRealm, mainRealm);
    contents.renderer = modules;
    return modules;
  },
  applicationMenu: () => applicationMenu,
  privilegedSchemes: () => privilegedSchemes,
  /** A page's request for a custom-scheme URL, as Chromium hands it to protocol.handle's handler. */
  async protocolFetch(url, init) {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = protocolHandlers.get(scheme);
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME (${scheme})`);
    return handler(new Request(url, init));
  },
  /** Turns the OS keychain off or on (a Linux desktop without libsecret has none). */
  setKeychainAvailable(available) {
    keychain.available = available;
  },
};

module.exports = {
  app,
  BrowserWindow,
  ipcMain,
  safeStorage,
  dialog,
  Menu,
  shell,
  utilityProcess,
  protocol,
  __fake: fake,
};
