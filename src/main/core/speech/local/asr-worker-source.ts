import { z } from 'zod';

/**
 * Test-only faults a decode can carry: the worker dies, hangs, takes `slowMs` longer, or ('env')
 * fails the job with the JSON list of the variables it sees.
 */
export type AsrWorkerFault = 'crash' | 'hang' | 'env' | { slowMs: number };

/** What a worker needs to load soundswallower: file URLs resolved by the host (see package-paths). */
export interface AsrWorkerData {
  /** file: URL of soundswallower's Node entry (an ES module, loaded with import()). */
  moduleUrl: string;
  /** The model folder, with a trailing slash. */
  modelBase: string;
  model: string;
  sampleRate: number;
  /** The thread's own niceness (Linux: per thread; elsewhere the call may apply to the process or fail). */
  nice: number;
}

/** Host → worker. `pcm` is float samples at the model's rate (its buffer is transferred). */
export type AsrWorkerRequest =
  | {
      type: 'decode';
      id: number;
      pcm: Float32Array;
      /** The grammar's JSGF, checked against the dictionary and compiled once per key in each worker. */
      key: string;
      jsgf: string;
      words: string[];
      fault?: AsrWorkerFault;
    }
  | { type: 'lookup'; id: number; words: string[] };

const word = z.object({ t: z.string(), b: z.number(), d: z.number(), p: z.number() });

/** Worker → host, validated at the thread edge. */
export const asrWorkerReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
  z.object({
    type: z.literal('decoded'),
    id: z.number().int(),
    text: z.string(),
    words: z.array(word),
    /** Wall ms the worker spent on this decode (grammar switch included). */
    computeMs: z.number(),
    /** The grammar had to be set on the decoder for this job (another was active). */
    switched: z.boolean(),
  }),
  z.object({ type: z.literal('unknown'), id: z.number().int(), words: z.array(z.string()) }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
]);
export type AsrWorkerReply = z.infer<typeof asrWorkerReplySchema>;

/**
 * The ASR worker, plain CommonJS run as a worker thread with `eval: true`: a string rather than a
 * .ts file so it runs the same under vitest on TypeScript sources and from electron-vite's bundled
 * out/main, where no separate worker file exists. soundswallower is an ES module: it is imported from
 * the file URL the host resolved. One decoder per worker; each grammar key is checked against the
 * dictionary once, and set on the decoder only when the previous job used another.
 */
export const ASR_WORKER_SOURCE = String.raw`(function main() {
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
let decoder;
let current;
const unknownByKey = new Map();

function unknownWords(words) {
  return words.filter((w) => decoder.lookup_word(w) === null);
}

function decode(msg) {
  const t0 = performance.now();
  if (msg.fault && typeof msg.fault === 'object') {
    const until = t0 + msg.fault.slowMs;
    while (performance.now() < until);
  }
  let unknown = unknownByKey.get(msg.key);
  if (!unknown) {
    unknown = unknownWords(msg.words);
    if (unknownByKey.size >= 1000) unknownByKey.clear(); // bots have tens of states, not thousands
    unknownByKey.set(msg.key, unknown);
  }
  if (unknown.length > 0) return { type: 'unknown', id: msg.id, words: unknown };
  const switched = msg.key !== current;
  if (switched) {
    current = undefined; // a failed set_grammar leaves no grammar we can name
    decoder.set_grammar(msg.jsgf);
    current = msg.key;
  }
  decoder.start();
  decoder.process_audio(msg.pcm, false, true);
  decoder.stop();
  const text = decoder.get_text();
  const alignment = decoder.get_alignment();
  const words = (alignment.w || []).map((w) => ({ t: w.t, b: w.b, d: w.d, p: w.p }));
  return { type: 'decoded', id: msg.id, text, words, computeMs: performance.now() - t0, switched };
}

async function load() {
  if (workerData.nice > 0) {
    // Without a pid, Linux sets the calling thread's niceness only: the host's event loop keeps its own.
    try { require('node:os').setPriority(workerData.nice); } catch { /* not allowed here: decode at the host's priority */ }
  }
  const mod = await import(workerData.moduleUrl);
  const ss = await mod.default({ modelBase: workerData.modelBase, defaultModel: workerData.model });
  decoder = new ss.Decoder({ samprate: workerData.sampleRate, loglevel: 'FATAL' });
  await decoder.initialize();
}

load().then(
  () => {
    parentPort.on('message', (msg) => {
      if (!msg) return;
      if (msg.fault === 'crash') throw new Error('injected crash');
      if (msg.fault === 'hang') for (;;);
      if (msg.fault === 'env') {
        parentPort.postMessage({ type: 'failed', id: msg.id, message: JSON.stringify(Object.keys(process.env).sort()) });
        return;
      }
      let reply;
      try {
        reply = msg.type === 'lookup'
          ? { type: 'unknown', id: msg.id, words: unknownWords(msg.words) }
          : decode(msg);
      } catch (err) {
        reply = { type: 'failed', id: msg.id, message: String((err && err.message) || err) };
      }
      parentPort.postMessage(reply);
    });
    parentPort.postMessage({ type: 'ready' });
  },
  (err) => parentPort.postMessage({ type: 'fatal', message: String((err && err.message) || err) }),
);
})();
`;
