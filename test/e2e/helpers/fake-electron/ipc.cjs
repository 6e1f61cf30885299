'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs in a child Node before the bundles */
const { copyAcross, deepFreeze } = require('./context-bridge.cjs');

/** ipcMain: one handler per channel, as Electron enforces. */
const handlers = new Map();
const ipcMain = {
  handle(channel, fn) {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, fn);
  },
  handleOnce(channel, fn) {
    ipcMain.handle(channel, (...args) => {
      handlers.delete(channel);
      return fn(...args);
    });
  },
  removeHandler(channel) {
    handlers.delete(channel);
  },
  on() {
    throw new Error('fake electron: ipcMain.on is not used by the shell; add it here if it is');
  },
};

/** The event the main process sees: sender and senderFrame are those of the invoking page. */
function invokeEvent(contents) {
  return {
    sender: contents,
    senderFrame: { url: contents.getURL(), origin: safeOrigin(contents.getURL()), routingId: 1 },
    processId: contents.id,
    frameId: 1,
  };
}

function safeOrigin(url) {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/**
 * Runs a handler exactly as Electron's ipcMain does for an invoke from `contents`: arguments and the
 * result are structured-cloned, a missing handler or a throw becomes a rejection naming the channel.
 * The handler itself is called synchronously (the test probes state at a precise moment).
 */
function invokeFrom(contents, channel, ...args) {
  let cloned;
  try {
    cloned = structuredClone(args);
  } catch (err) {
    return Promise.reject(err);
  }
  const handler = handlers.get(channel);
  if (!handler) {
    return Promise.reject(
      new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`),
    );
  }
  let result;
  try {
    result = Promise.resolve(handler(invokeEvent(contents), ...cloned));
  } catch (err) {
    result = Promise.reject(err);
  }
  return result.then(
    (value) => structuredClone(value),
    (err) => {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`);
    },
  );
}

/** The renderer-side modules of one page: what a sandboxed preload gets from require('electron'). */
function createRendererModules(contents, isolatedRealm, mainRealm) {
  const listeners = new Map();
  const exposed = {};
  const rawExposed = {};
  const filePaths = new WeakMap();
  const ipcRenderer = {
    invoke: (channel, ...args) => invokeFrom(contents, channel, ...args),
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return ipcRenderer;
    },
    off(channel, listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
    removeListener: (channel, listener) => ipcRenderer.off(channel, listener),
    listenerCount: (channel) => listeners.get(channel)?.size ?? 0,
  };
  const contextBridge = {
    exposeInMainWorld(key, api) {
      if (!contents.webPreferences.contextIsolation) {
        throw new Error('contextBridge API can only be used when contextIsolation is enabled');
      }
      if (key in exposed) throw new Error(`Cannot bind an API on top of an existing property: ${key}`);
      rawExposed[key] = api;
      exposed[key] = deepFreeze(copyAcross(api, mainRealm, isolatedRealm));
    },
  };
  const webUtils = {
    getPathForFile: (file) => filePaths.get(file) ?? '',
  };
  return {
    electron: { ipcRenderer, contextBridge, webUtils },
    /** `window.*` as the page's own scripts see it. */
    mainWorld: exposed,
    /** The same objects inside the preload's isolated world, before the bridge copied them. */
    isolatedWorld: rawExposed,
    /** A file the user "dropped": webUtils maps it to its path on disk, like Electron does. */
    dropFile: (file, filePath) => filePaths.set(file, filePath),
    /** webContents.send lands here, a tick later, as it would across processes. */
    deliver(channel, args) {
      const copy = structuredClone(args);
      setImmediate(() => {
        for (const listener of [...(listeners.get(channel) ?? [])])
          listener({ sender: ipcRenderer }, ...copy);
      });
    },
    listenerCount: (channel) => listeners.get(channel)?.size ?? 0,
  };
}

module.exports = { ipcMain, handlers, invokeFrom, createRendererModules };
