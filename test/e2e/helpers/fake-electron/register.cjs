'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: loaded with `node -r` before the bundles */
const Module = require('node:module');
const path = require('node:path');

// `require('electron')` in the built bundles resolves to the fake, nothing else changes.
const fakePath = path.join(__dirname, 'electron.cjs');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWithFakeElectron(request, ...rest) {
  if (request === 'electron') return fakePath;
  return resolveFilename.call(this, request, ...rest);
};

// An Electron main process has these. The version must never name a real .electron-native build:
// the shell would load an addon built for Electron's ABI into this Node and crash.
process.versions.electron = '0.0.0-fake-electron';
process.type = 'browser';
