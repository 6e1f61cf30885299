'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs in a child Node before the bundles */
const { EventEmitter } = require('node:events');
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
