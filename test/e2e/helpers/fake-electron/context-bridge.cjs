'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs in a child Node before the bundles */
const { types } = require('node:util');

/**
 * Copies a value across Electron's context bridge the way contextBridge documents it: functions
 * are proxied (their arguments and results copied back the other way), promises are proxied,
 * Errors arrive as a plain Error of the other world carrying only `message` (electron/electron#25596),
 * objects lose their prototype, symbols are dropped, Blobs pass as platform objects, other
 * cloneable values are structured-cloned. `realm` holds the constructors of the receiving world.
 */
function copyAcross(value, realm, back, depth = 0) {
  if (depth > 1000) throw new realm.Error('An object could not be cloned: too deep or cyclic');
  if (value === null || value === undefined) return value;
  const kind = typeof value;
  if (kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'bigint') return value;
  if (kind === 'symbol') return undefined;
  if (kind === 'function') return proxyFunction(value, realm, back);
  if (types.isPromise(value)) {
    return new realm.Promise((resolve, reject) => {
      value.then(
        (v) => resolve(copyAcross(v, realm, back)),
        (e) => reject(copyAcross(e, realm, back)),
      );
    });
  }
  if (types.isNativeError(value)) {
    const message = typeof value.message === 'string' ? value.message : String(value);
    return new realm.Error(message);
  }
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value;
  if (Array.isArray(value)) {
    const out = new realm.Array();
    for (const item of value) out.push(copyAcross(item, realm, back, depth + 1));
    return out;
  }
  if (Object.prototype.toString.call(value) === '[object Object]') {
    const out = new realm.Object();
    for (const key of Object.keys(value)) {
      const copied = copyAcross(value[key], realm, back, depth + 1);
      if (copied !== undefined || value[key] === undefined) out[key] = copied;
    }
    return out;
  }
  // Dates, Maps, Sets, buffers...: Electron uses the structured clone algorithm for these.
  return structuredClone(value);
}

/** A function of one world callable from the other: arguments go in, the result comes back. */
function proxyFunction(fn, realm, back) {
  return function bridged(...args) {
    let result;
    try {
      result = fn(...args.map((a) => copyAcross(a, back, realm)));
    } catch (err) {
      throw copyAcross(err, realm, back);
    }
    return copyAcross(result, realm, back);
  };
}

/** Exposed values are copied and frozen (contextBridge docs): the renderer cannot patch them. */
function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}

module.exports = { copyAcross, deepFreeze };
