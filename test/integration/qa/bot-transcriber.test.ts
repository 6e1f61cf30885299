import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grammarTranscriber, saysMatches, scriptBotLines } from '../../../src/main/core/qa/evaluator';
import { FliteTts, normalizeText, SoundswallowerAsr, wordErrorRate } from '../../../src/main/core/speech';
import { linePrefixes } from '../../../src/main/core/qa/evaluator/transcribe';
import { loadBotFile, type ScriptBot } from '../../../src/main/core/voicebot';
import { demoBotFile, patient } from '../../fixtures/demo-bot';

// Offline, the bot's audio is heard by the grammar recogniser with every line the bot can say in this
// run as the grammar: real flite speech of the demo bot's lines, real soundswallower.

let bot: ScriptBot;
let tts: FliteTts;
let asr: SoundswallowerAsr;
beforeAll(async () => {
  const loaded = await loadBotFile(demoBotFile);
  if (loaded.kind !== 'script') throw new Error('the demo bot is a script bot');
  bot = loaded;
  [tts, asr] = await Promise.all([FliteTts.load(), SoundswallowerAsr.load()]);
});
afterAll(() => {
  tts?.dispose();
  asr?.dispose();
});

describe("the bot's lines as the recogniser's grammar", () => {
  it('lists every line with this run’s variables, each slot value, and retry + reprompt as one line', () => {
    const lines = scriptBotLines(bot, patient);
    expect(lines).toContain(
      'Thank you, Asha Rao. We will see you on Monday the fifth at ten thirty in the morning. Goodbye.',
    );
    expect(lines).toContain('You would like to come on friday. Is that right?');
    expect(lines).toContain('You would like to come on tomorrow. Is that right?');
    expect(lines).toContain(
      'Sorry, I did not catch that. Please say confirm, cancel, or change. Or press 1, 2, or 3.',
    );
    expect(lines.filter((l) => l.includes('{{'))).toEqual([]);
    // A missing variable gives the state's fallback line, as the bot would say it.
    expect(scriptBotLines(bot, {})).toContain('Thank you. Your appointment is confirmed. Goodbye.');
  });

  it('hears which line the bot said, down to the day, from flite audio', async () => {
    const transcriber = grammarTranscriber(asr, scriptBotLines(bot, patient), "the bot's lines");
    expect(transcriber.description).toMatch(/^soundswallower.*grammar of the bot's lines \(\d+ phrases\)$/);
    for (const [line, day, wrong] of [
      ['You would like to come on friday. Is that right?', 'friday', 'tuesday'],
      ['You would like to come on tuesday. Is that right?', 'tuesday', 'friday'],
      [
        'Your appointment is cancelled. Please call Green Park Clinic when you want a new one. Goodbye.',
        'cancelled',
        'see you on',
      ],
    ] as const) {
      const heard = await transcriber.transcribe(await tts.synthesizeAll(line, { sampleRate: 8000 }));
      expect(wordErrorRate(line, heard).wer, heard).toBeLessThan(0.1);
      expect(saysMatches(day, heard), heard).toBe(true);
      expect(saysMatches(wrong, heard), heard).toBe(false);
    }
  });

  it('hears a line cut short (a barge-in) as the start of the line, where the whole-line grammar hears nothing', async () => {
    const line = 'Thank you. You have an appointment on Monday the fifth at ten thirty in the morning.';
    const whole = await tts.synthesizeAll(line, { sampleRate: 8000 });
    const transcriber = grammarTranscriber(asr, scriptBotLines(bot, patient), "the bot's lines");
    // The bot stopped 1.9 s into the line, mid-word.
    const cut = { pcm: whole.pcm.subarray(0, Math.round(1.9 * 8000) * 2), sampleRate: 8000 };
    expect(await transcriber.transcribe(cut)).toBe('');
    const heard = await transcriber.transcribeCut?.(cut);
    expect(heard?.split(' ').length ?? 0, heard).toBeGreaterThanOrEqual(3);
    expect(normalizeText(line).startsWith(heard ?? '-'), heard).toBe(true);
  });

  it('lists each line from its third word on as the starts a cut line may be heard as', () => {
    expect(linePrefixes(['Hello, this is the clinic.', 'Goodbye.'])).toEqual([
      'hello this is',
      'hello this is the',
      'hello this is the clinic',
      'goodbye',
    ]);
  });
});
