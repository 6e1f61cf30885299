'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs in a child Node before the bundles */
const { execFile } = require('node:child_process');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

/** What the shell created, in order: the test reads it back. */
const registry = { windows: [], contents: [], bus: new EventEmitter(), app: undefined };
let nextId = 1;

/** A preventable event, as Electron passes to will-navigate, before-quit and friends. */
function preventable(extra = {}) {
  const event = { defaultPrevented: false, ...extra };
  event.preventDefault = () => {
    event.defaultPrevented = true;
  };
  return event;
}

class FakeSession {
  constructor() {
    this.permissionRequestHandler = undefined;
    this.permissionCheckHandler = undefined;
    /** Electron keeps one listener per webRequest event: setting it again replaces it. */
    this.webRequest = {
      beforeRequest: undefined,
      onBeforeRequest: (filterOrListener, maybeListener) => {
        this.webRequest.beforeRequest = maybeListener ?? filterOrListener;
      },
    };
  }
  /** What the page's request for `url` would meet: true when the session's listener cancels it. */
  wouldCancel(url) {
    const listener = this.webRequest.beforeRequest;
    if (!listener) return false;
    let cancel = false;
    listener({ url, method: 'GET', resourceType: 'image' }, (response) => (cancel = !!response?.cancel));
    return cancel;
  }
  setPermissionRequestHandler(fn) {
    this.permissionRequestHandler = fn;
  }
  setPermissionCheckHandler(fn) {
    this.permissionCheckHandler = fn;
  }
}

class FakeWebContents extends EventEmitter {
  constructor(webPreferences = {}, url = '') {
    super();
    this.id = nextId++;
    this.webPreferences = webPreferences;
    this.url = url;
    this.destroyed = false;
    this.session = new FakeSession();
    this.windowOpenHandler = undefined;
    this.sent = [];
    /** Set when a page (renderer modules) is attached: where webContents.send lands. */
    this.renderer = undefined;
    registry.contents.push(this);
    registry.app?.emit('web-contents-created', {}, this);
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn;
  }
  /**
   * Electron's printToPDF of the loaded page: here real Chromium prints the same URL (headless,
   * network off, as the session's blocking listener would have it) and the PDF's bytes come back.
   */
  printToPDF(options = {}) {
    this.printed = [...(this.printed ?? []), options];
    if (this.destroyed) return Promise.reject(new Error('Object has been destroyed'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-electron-pdf-'));
    const out = path.join(dir, 'page.pdf');
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-pdf-header-footer',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      '--proxy-server=socks5://127.0.0.1:9',
      '--proxy-bypass-list=<-loopback>',
      `--user-data-dir=${dir}`,
      `--print-to-pdf=${out}`,
      this.url,
    ];
    return new Promise((resolve, reject) => {
      execFile(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args, { timeout: 60_000 }, (err) => {
        try {
          if (err) reject(new Error(`Printing failed: ${err.message}`));
          else resolve(fs.readFileSync(out));
        } catch (readErr) {
          reject(readErr);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  }
  send(channel, ...args) {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push(channel);
    this.renderer?.deliver(channel, args);
  }
  /** Navigation as Chromium reports it: returns whether the shell let it happen. */
  navigate(url, eventName = 'will-navigate') {
    const event = preventable({ url });
    this.emit(eventName, event, url);
    if (!event.defaultPrevented) this.url = url;
    return !event.defaultPrevented;
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
}

class BrowserWindow extends EventEmitter {
  constructor(options = {}) {
    super();
    this.id = nextId++;
    this.options = structuredClone(options);
    this.webContents = new FakeWebContents(this.options.webPreferences ?? {});
    this.visible = false;
    this.minimized = false;
    this.destroyed = false;
    this.loads = [];
    this.timeline = [];
    registry.windows.push(this);
    registry.bus.emit('window', this);
  }
  static getAllWindows() {
    return registry.windows.filter((w) => !w.destroyed);
  }
  static fromWebContents(contents) {
    return registry.windows.find((w) => w.webContents === contents) ?? null;
  }
  loadFile(filePath) {
    this.loads.push({ kind: 'file', target: filePath });
    return this.finishLoad(pathToFileURL(path.resolve(filePath)).href);
  }
  loadURL(url) {
    this.loads.push({ kind: 'url', target: url });
    return this.finishLoad(url);
  }
  finishLoad(url) {
    this.webContents.url = url;
    return new Promise((resolve) => {
      setImmediate(() => {
        if (this.destroyed) return resolve();
        this.webContents.emit('did-finish-load');
        this.timeline.push('ready-to-show');
        this.emit('ready-to-show');
        resolve();
      });
    });
  }
  show() {
    this.timeline.push('show');
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  isVisible() {
    return this.visible;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.timeline.push('focus');
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Electron's order: close (preventable), the page goes away, then closed. */
  close() {
    if (this.destroyed) return;
    const event = preventable();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
    // Not while app.quit() closes the windows itself (Electron skips the event then).
    if (BrowserWindow.getAllWindows().length === 0 && !registry.app?.quitting) {
      registry.app?.emit('window-all-closed', {});
    }
  }
}

module.exports = { BrowserWindow, FakeWebContents, registry, preventable };
