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
    const result = await asr.recognize({ pcm, sampleRate }, grammar ? { grammar, onLate } : { onLate });
    late ||= result.late === true;
    text = result.text;
    const c = result.confidence;
    confidence = c !== undefined && c >= 0 && c <= 1 ? c : null;
  } catch (err) {
    log.warn('speech recognition failed: counted as not understood', { err });
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
