import type { Logger } from '../../logging';
import type { Asr, AsrLate } from '../../speech';
import type { DialogInput, ListenSpec } from '../dialog';

export interface Recognised {
  input: DialogInput;
  text: string;
  confidence: number | null;
  asrMs: number;
  /** The recogniser missed its deadline: still heard, the reply comes later than planned. */
  late: boolean;
}

/**
 * One caller utterance → dialog input, with the grammar of the state the bot is listening in. An
 * empty result or a failed recogniser is a no-match: the dialog reprompts, the call goes on.
 */
export async function recognise(
  asr: Asr,
  pcm: Buffer,
  sampleRate: number,
  listen: ListenSpec | null,
  log: Logger,
  early?: { signal: AbortSignal; leadMs: number },
): Promise<Recognised> {
  const t0 = performance.now();
  let text = '';
  let confidence: number | null = null;
  let late = false;
  // Told when the deadline passes (the decode goes on): the log says which call waited, and why.
  const onLate = (l: AsrLate) => {
    late = true;
    log.warn('speech recognition missed its deadline: still decoding, this turn is late', { ...l });
  };
  try {
    const grammar = listen?.grammar ?? undefined;
    const options = { onLate, signal: early?.signal, leadMs: early?.leadMs };
    const result = await asr.recognize({ pcm, sampleRate }, grammar ? { ...options, grammar } : options);
    late ||= result.late === true;
    text = result.text;
    const c = result.confidence;
    confidence = c !== undefined && c >= 0 && c <= 1 ? c : null;
  } catch (err) {
    // An early recognition given up (the caller spoke on) is not a failure: its result is not used.
    if (!early?.signal.aborted) log.warn('speech recognition failed: counted as not understood', { err });
  }
  const asrMs = performance.now() - t0;
  const input: DialogInput =
    text === ''
      ? { kind: 'no_match' }
      : confidence === null
        ? { kind: 'speech', text }
        : { kind: 'speech', text, confidence };
  return { input, text, confidence, asrMs, late };
}

/**
 * Recognition started at a pause in the caller's speech, before the endpointing silence has passed.
 * It stands for the turn if the turn ends with this same speech (start and end) and the bot still
 * listens with the same grammar; otherwise it is given up.
 */
export interface EarlyRecognition {
  startMs: number;
  endMs: number;
  listen: ListenSpec | null;
  result: Promise<Recognised>;
  abort: AbortController;
}

export function recogniseEarly(
  asr: Asr,
  at: { startMs: number; endMs: number; pcm: Buffer; sampleRate: number; leadMs: number },
  listen: ListenSpec | null,
  log: Logger,
): EarlyRecognition {
  const abort = new AbortController();
  const result = recognise(asr, at.pcm, at.sampleRate, listen, log, {
    signal: abort.signal,
    leadMs: at.leadMs,
  });
  return { startMs: at.startMs, endMs: at.endMs, listen, result, abort };
}
