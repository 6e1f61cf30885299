'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: loaded by the stand-in electron module and by tests */
const childProcess = require('node:child_process');
const { EventEmitter } = require('node:events');
const path = require('node:path');

const PARENT_PORT_SHIM = path.join(__dirname, 'parent-port-shim.cjs');

/**
 * A stand-in for Electron's utilityProcess.fork: a Node child process whose script sees
 * process.parentPort (messages arrive as {data}), with exactly the env it is given. Like Electron's,
 * the handle emits 'spawn', 'message' and 'exit' (a code only) and queues nothing itself.
 */
function fork(modulePath, args = [], options = {}) {
  const handle = new EventEmitter();
  handle.pid = undefined;
  const child = childProcess.fork(modulePath, args, {
    env: options.env ?? process.env,
    execArgv: ['--require', PARENT_PORT_SHIM],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('spawn', () => {
    handle.pid = child.pid;
    handle.emit('spawn');
  });
  child.on('message', (message) => handle.emit('message', message));
  child.on('exit', (code, signal) => {
    handle.pid = undefined;
    handle.emit('exit', code ?? (signal ? 1 : 0));
  });
  handle.postMessage = (message) => {
    if (!child.connected) throw new Error('the utility process is not running');
    child.send(message);
  };
  handle.kill = () => child.kill('SIGKILL');
  return handle;
}

module.exports = { fork };
