import { z } from 'zod';

/** Test-only faults a request can carry, to prove the pool survives a worker that dies or hangs. */
export type WorkerFault = 'segv' | 'exit' | 'hang' | 'env';

/** Parent → worker. */
export interface SynthRequest {
  type: 'synth';
  id: number;
  /** Already cleaned: no control characters, padded with spaces so it is never read as an option. */
  text: string;
  /** Test-only: act this fault out; 'env' answers `failed` with the JSON list of the worker's variables. */
  fault?: WorkerFault;
}

/** Worker → parent, validated at the process edge. */
export const workerReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('done'), id: z.number().int(), wav: z.instanceof(Uint8Array) }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
  /** flite.wasm compiled: requests are timed from here, so start-up never counts as a stuck request. */
  z.object({ type: z.literal('ready') }),
  /** The worker cannot start (flite.wasm does not compile); it exits right after. */
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);
export type WorkerReply = z.infer<typeof workerReplySchema>;

/** Environment variable carrying the worker's JSON config: { wasmPath, voice, dir (its own temp folder) }. */
export const WORKER_CONFIG_ENV = 'CALLDECK_FLITE_WORKER';

/**
 * The worker, as plain CommonJS run with `node -e` (or written to a file and run as an Electron utility
 * process by the shell, talking through process.parentPort). It is a string (not a .ts file) so it
 * runs the same under vitest on TypeScript sources and from electron-vite's bundled out/main/*.js,
 * where no separate worker file exists. It runs flite.wasm under node:wasi, one request at a time:
 * Node's intermittent WASI.start() segfault (nodejs/node#52402) then kills only this process.
 */
export const FLITE_WORKER_SOURCE = String.raw`(function main() {
'use strict';
const fs = require('node:fs');
const path = require('node:path');
// node:wasi prints an ExperimentalWarning on load; the parent's stderr needs no such noise per worker.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type;
  if (type === 'ExperimentalWarning' || (warning && warning.name === 'ExperimentalWarning')) return;
  return emitWarning.call(process, warning, ...rest);
};
const { WASI } = require('node:wasi');
// A child process talks through process.send; an Electron utility process through parentPort.
const port = process.parentPort;
const send = port
  ? (msg, done) => {
      port.postMessage(msg);
      if (done) setTimeout(done, 50); // postMessage has no callback: let it leave before exiting
    }
  : (msg, done) => process.send(msg, done);
const onMessage = port ? (fn) => port.on('message', (e) => fn(e.data)) : (fn) => process.on('message', fn);
let config, wasm;
try {
  config = JSON.parse(process.env.${WORKER_CONFIG_ENV});
  wasm = new WebAssembly.Module(fs.readFileSync(config.wasmPath));
} catch (err) {
  send({ type: 'fatal', message: String((err && err.message) || err) }, () => process.exit(70));
  return;
}
let counter = 0;

function synthesize(text) {
  const file = 'out-' + counter++ + '.wav';
  const wasi = new WASI({
    version: 'preview1',
    args: ['flite', '-voice', config.voice, text, file],
    env: {},
    preopens: { '.': config.dir },
    returnOnExit: true,
  });
  const instance = new WebAssembly.Instance(wasm, { wasi_snapshot_preview1: wasi.wasiImport });
  const code = wasi.start(instance);
  const out = path.join(config.dir, file);
  try {
    if (code !== 0) throw new Error('flite exited with ' + code);
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(out, { force: true });
  }
}

// The parent gone (even without dispose) means nobody wants our answers: tidy up and leave.
process.on('disconnect', () => {
  fs.rmSync(config.dir, { recursive: true, force: true });
  process.exit(0);
});
onMessage((msg) => {
  if (!msg || msg.type !== 'synth') return;
  if (msg.fault === 'segv') process.kill(process.pid, 'SIGSEGV');
  if (msg.fault === 'exit') process.exit(139);
  if (msg.fault === 'hang') for (;;);
  if (msg.fault === 'env') {
    send({ type: 'failed', id: msg.id, message: JSON.stringify(Object.keys(process.env).sort()) });
    return;
  }
  let reply;
  try {
    reply = { type: 'done', id: msg.id, wav: synthesize(msg.text) };
  } catch (err) {
    reply = { type: 'failed', id: msg.id, message: String((err && err.message) || err) };
  }
  send(reply);
});
send({ type: 'ready' });
})();
`;
