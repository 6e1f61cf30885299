import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FliteTts, SoundswallowerAsr } from '../../../../src/main/core/speech';
import { createDialog, loadBotFile, type BotDefinition } from '../../../../src/main/core/voicebot';
import { converse, demoBotFile, patient, say } from './helpers';

// Issue 9: a voicemail greeting ("the person you are calling is not available") or "I am busy" was
// taken by the demo bot as a request for an agent. A machine ends the call with disposition `machine`;
// a busy person is promised a call back (`callback`); neither is transferred.

const VOICEMAIL = 'the person you are calling is not available';
const BUSY = 'i am busy';

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

describe('the demo bot and a machine or a busy callee', () => {
  it.each([
    [VOICEMAIL, 'machine'],
    ['please leave a message after the tone', 'machine'],
    [BUSY, 'callback'],
    ['call me later', 'callback'],
  ])(
    '"%s" as text (a free-form recogniser) ends the call with %s, no transfer',
    async (text, disposition) => {
      const dialog = createDialog(bot, patient);
      const [, turn] = await converse(dialog, [say(text)]);
      expect(turn?.action).toBe('hangup');
      expect(dialog.disposition).toBe(disposition);
    },
  );

  it.each([
    [VOICEMAIL, 'machine'],
    [BUSY, 'callback'],
    // The sandbox's own callees (resources/sandbox/callees.yaml).
    ['The person you are calling is not available. Please leave a message after the tone.', 'machine'],
    ['Sorry, I am busy right now.', 'callback'],
  ])(
    '"%s" spoken (flite → grammar ASR) in every ask state is never a transfer',
    async (line, disposition) => {
      const audio = await tts.synthesizeAll(line, { sampleRate: 8000 });
      // Greeting, and after "yes" (the appointment question): the machine or the person may speak anywhere.
      for (const before of [[], [say('yes')]]) {
        const dialog = createDialog(bot, patient);
        const turns = await converse(dialog, before);
        const grammar = turns.at(-1)?.listen?.grammar;
        if (!grammar) throw new Error('the bot does not listen');
        const heard = (await asr.recognize(audio, { grammar })).text;
        const turn = await dialog.handle({ kind: 'speech', text: heard });
        expect(turn.action, `heard "${heard}"`).not.toBe('transfer');
        expect(dialog.disposition, `heard "${heard}"`).toBe(disposition);
      }
    },
  );
});
