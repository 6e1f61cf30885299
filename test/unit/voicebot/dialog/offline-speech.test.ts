import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FliteTts, SoundswallowerAsr } from '../../../../src/main/core/speech';
import {
  compileScript,
  createDialog,
  loadBotFile,
  matchSpeech,
  type BotDefinition,
  type BotTurn,
} from '../../../../src/main/core/voicebot';
import { demoBotFile, patient } from './helpers';

// The demo bot with the real offline speech stack: the caller's words are spoken by flite, recognised
// by soundswallower with the grammar the dialog gave for the current state, and the recognised text
// drives the dialog. (The full session pipeline adds VAD, endpointing and the stream around this.)

let bot: BotDefinition;
let tts: FliteTts;
let asr: SoundswallowerAsr;
beforeAll(async () => {
  bot = await loadBotFile(demoBotFile);
  [tts, asr] = await Promise.all([FliteTts.load(), SoundswallowerAsr.load()]);
});
afterAll(() => {
  tts?.dispose();
  asr?.dispose();
});

async function hear(turn: BotTurn, words: string): Promise<string> {
  const grammar = turn.listen?.grammar;
  if (!grammar) throw new Error(`state ${turn.state} does not listen`);
  expect(await asr.unknownWords(grammar)).toEqual([]);
  const audio = await tts.synthesizeAll(words, { sampleRate: 8000 });
  return (await asr.recognize(audio, { grammar })).text;
}

/** Speaks each line to the bot in turn; returns the recognised texts and the bot's turns. */
async function call(lines: string[]): Promise<{ heard: string[]; turns: BotTurn[] }> {
  const dialog = createDialog(bot, patient);
  const turns = [await dialog.start()];
  const heard: string[] = [];
  for (const line of lines) {
    const current = turns.at(-1);
    if (!current) throw new Error('no turn');
    const text = await hear(current, line);
    heard.push(text);
    turns.push(await dialog.handle({ kind: 'speech', text }));
  }
  return { heard, turns };
}

describe('demo bot over offline speech (flite → soundswallower grammar ASR)', () => {
  it.each([
    ['confirm', ['yes', 'confirm'], 'confirmed'],
    ['cancel', ['yes', 'cancel it', 'yes'], 'cancelled'],
    ['reschedule', ['yes', 'change', 'next friday', 'yes'], 'rescheduled'],
    ['transfer', ['talk to someone'], 'transferred'],
  ])('%s', async (_name, lines, disposition) => {
    const { heard, turns } = await call(lines);
    expect(heard).toEqual(lines);
    expect(turns.at(-1)?.disposition).toBe(disposition);
    if (disposition === 'rescheduled') expect(turns.at(-1)?.slots).toEqual({ day: 'friday' });
  });
});

describe('demo bot phrases are distinct enough for the grammar recogniser', () => {
  it('recognises (nearly) every phrase of every ask state, each within its own state grammar', async () => {
    if (bot.kind !== 'script') throw new Error('the demo bot must be a script bot');
    const states = compileScript(bot);
    const tried = new Set<string>();
    const wrong: string[] = [];
    for (const state of states.values()) {
      for (const phrase of state.grammar.phrases) {
        // Each distinct phrase once (slot values: the bare value once), to keep the run short.
        if (tried.has(phrase) || (/^(on|make it|next) |please$/.test(phrase) && /day|tomorrow/.test(phrase)))
          continue;
        tried.add(phrase);
        const audio = await tts.synthesizeAll(phrase, { sampleRate: 8000 });
        const text = (await asr.recognize(audio, { grammar: state.grammar })).text;
        const m = matchSpeech(state, text);
        const expected = matchSpeech(state, phrase);
        if (m.kind !== 'match' || expected.kind !== 'match' || m.transition !== expected.transition) {
          wrong.push(`${state.id}: '${phrase}' heard as '${text}'`);
        }
      }
    }
    expect(tried.size).toBeGreaterThan(40);
    // flite's synthetic voice is not a person; allow a few misses, but no more (and show them).
    expect(wrong.length, wrong.join('\n')).toBeLessThanOrEqual(Math.floor(tried.size * 0.05));
  }, 60_000);
});
