import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDialog,
  DialogVariablesError,
  loadBotFile,
  type BotDefinition,
  type BotTurn,
  type DialogInput,
} from '../../../../src/main/core/voicebot';
import { converse, demoBotFile, key, memoryLogger, patient, say, silence, unclear } from './helpers';

let bot: BotDefinition;
beforeAll(async () => {
  bot = await loadBotFile(demoBotFile);
});

async function run(inputs: DialogInput[], variables: Record<string, string> = patient): Promise<BotTurn[]> {
  return converse(createDialog(bot, variables), inputs);
}

const last = (turns: BotTurn[]): BotTurn => {
  const t = turns.at(-1);
  if (!t) throw new Error('no turns');
  return t;
};
const states = (turns: BotTurn[]) => turns.map((t) => t.state);

describe('appointment-reminder demo bot', () => {
  it('greets, confirms identity with the contact values, and confirms the appointment', async () => {
    const turns = await run([say('Yes'), say('confirm')]);
    expect(states(turns)).toEqual(['identity', 'appointment', 'confirmed']);
    expect(turns[0]?.text).toContain(patient.name);
    expect(turns[0]?.text).toContain(patient.clinic);
    expect(turns[1]?.text).toContain(patient.appointment_day);
    expect(turns[1]?.text).toContain(patient.appointment_time);
    const end = last(turns);
    expect(end).toMatchObject({ action: 'hangup', disposition: 'confirmed', listen: null });
    expect(end.text).toContain(patient.appointment_day);
    expect(turns[1]?.trace).toMatchObject({ reason: 'matched', intent: 'yes', matched: 'yes' });
  });

  it('confirms with keypad keys only', async () => {
    const turns = await run([key('1'), key('1')]);
    expect(states(turns)).toEqual(['identity', 'appointment', 'confirmed']);
    expect(last(turns).disposition).toBe('confirmed');
    expect(turns[1]?.trace.matched).toBe('dtmf:1');
  });

  it('cancels after a check', async () => {
    const turns = await run([say('yes'), say('Cancel it.'), say('yes')]);
    expect(states(turns)).toEqual(['identity', 'appointment', 'cancel_check', 'cancelled']);
    expect(last(turns)).toMatchObject({ action: 'hangup', disposition: 'cancelled' });
    expect(last(turns).text).toContain(patient.clinic);
  });

  it('reschedules to a spoken day, which later prompts use', async () => {
    const turns = await run([say('yes'), say('change'), say('next friday'), say('yes')]);
    expect(states(turns)).toEqual(['identity', 'appointment', 'ask_day', 'confirm_day', 'rescheduled']);
    expect(turns[3]?.trace.slots).toEqual({ day: 'friday' });
    expect(turns[3]?.text).toContain('friday');
    const end = last(turns);
    expect(end).toMatchObject({ action: 'hangup', disposition: 'rescheduled', slots: { day: 'friday' } });
    expect(end.text).toContain('friday');
  });

  it('reschedules to tomorrow, and lets the caller correct the day', async () => {
    const turns = await run([say('yes'), key('3'), say('tomorrow'), say('make it tuesday'), key('1')]);
    expect(states(turns)).toEqual([
      'identity',
      'appointment',
      'ask_day',
      'confirm_day',
      'confirm_day',
      'rescheduled',
    ]);
    expect(turns[3]?.slots).toEqual({ day: 'tomorrow' });
    expect(last(turns).slots).toEqual({ day: 'tuesday' });
    expect(last(turns).text).toContain('tuesday');
  });

  it('goes back to asking for a day when the caller says no to the proposed day', async () => {
    const turns = await run([say('yes'), say('change'), say('monday'), say('no'), say('sunday')]);
    expect(states(turns)).toEqual([
      'identity',
      'appointment',
      'ask_day',
      'confirm_day',
      'ask_day',
      'confirm_day',
    ]);
    expect(last(turns).slots).toEqual({ day: 'sunday' });
  });

  it('transfers to a person on request by phrase, in any ask state', async () => {
    for (const [inputs, phrase] of [
      [[say('I want to talk to someone please')], 'talk to someone'],
      [[say('I would like to talk to a person please')], 'i would like to talk to a person please'],
      [[say('yes'), say('agent')], 'agent'],
      [[say('yes'), say('change'), say('can I speak to a real person')], 'real person'],
    ] as const) {
      const turns = await run([...inputs]);
      const end = last(turns);
      expect(end, phrase).toMatchObject({
        action: 'transfer',
        disposition: 'transferred',
        state: 'transfer',
      });
      expect(end.trace).toMatchObject({ intent: 'agent', matched: phrase });
      expect(end.text).toContain(patient.clinic);
    }
  });

  it('transfers on DTMF 0', async () => {
    const turns = await run([say('yes'), key('0')]);
    expect(last(turns)).toMatchObject({ action: 'transfer', disposition: 'transferred' });
    expect(last(turns).trace.matched).toBe('dtmf:0');
  });

  it('ends politely after two silences in a row', async () => {
    const turns = await run([silence, silence]);
    expect(states(turns)).toEqual(['identity', 'identity', 'no_response']);
    expect(turns[1]).toMatchObject({ action: 'continue', trace: { reason: 'no_input_retry' } });
    expect(turns[1]?.text).toMatch(/^Sorry, I did not hear anything\. Am I speaking with Asha Rao\?/);
    expect(last(turns)).toMatchObject({
      action: 'hangup',
      disposition: 'no_response',
      trace: { reason: 'no_input_limit' },
    });
  });

  it('counts silences per state: a new state starts afresh', async () => {
    const turns = await run([silence, say('yes'), silence, say('confirm')]);
    expect(states(turns)).toEqual(['identity', 'identity', 'appointment', 'appointment', 'confirmed']);
    expect(last(turns).disposition).toBe('confirmed');
  });

  it('retries on no-match with the reprompt, then understands', async () => {
    const turns = await run([say('purple elephants'), unclear, say('yes'), key('9'), say('keep it')]);
    expect(states(turns)).toEqual([
      'identity',
      'identity',
      'identity',
      'appointment',
      'appointment',
      'confirmed',
    ]);
    expect(turns[1]?.trace.reason).toBe('no_match_retry');
    expect(turns[1]?.text).toContain('Sorry, I did not catch that.');
    expect(turns[1]?.text).toContain('press 1 for yes');
    expect(turns[4]?.trace).toMatchObject({ reason: 'no_match_retry', problem: 'key 9 means nothing here' });
    expect(last(turns).disposition).toBe('confirmed');
  });

  it('hands over to a person after three misunderstandings in a row', async () => {
    const turns = await run([say('banana'), say('hmm'), unclear]);
    expect(last(turns)).toMatchObject({ action: 'transfer', trace: { reason: 'no_match_limit' } });
  });

  it('treats two different answers in one sentence as not understood', async () => {
    const turns = await run([say('yes'), say('no wait I want to change it')]);
    // "change it" (two words) beats "no" (one word): the longest phrase wins.
    expect(last(turns).state).toBe('ask_day');
    const t2 = await run([say('yes'), say('confirm or cancel')]);
    expect(last(t2)).toMatchObject({ state: 'appointment', trace: { reason: 'no_match_retry' } });
    expect(last(t2).trace.problem).toMatch(/^ambiguous/);
  });

  it('ends with wrong_person when it is not the patient', async () => {
    const turns = await run([say('No, wrong number.')]);
    expect(last(turns)).toMatchObject({ action: 'hangup', disposition: 'wrong_person' });
  });

  it('gives every ask turn a grammar and its keys, and no listening after the end', async () => {
    const turns = await run([say('yes'), say('change'), say('monday'), say('yes')]);
    for (const t of turns.slice(0, -1)) {
      expect(t.action).toBe('continue');
      expect(t.listen?.grammar?.jsgf).toMatch(/^#JSGF V1\.0;/);
      expect(t.listen?.dtmf).toContain('0');
      expect(t.bargeIn).toBe(true);
    }
    expect(turns[0]?.listen?.dtmf).toEqual(['0', '1', '2']);
    expect(last(turns)).toMatchObject({ listen: null, bargeIn: false });
  });

  it('returns an empty final turn for input after the end', async () => {
    const dialog = createDialog(bot, patient);
    await converse(dialog, [say('no')]);
    expect(dialog.ended).toBe(true);
    const after = await dialog.handle(say('hello?'));
    expect(after).toMatchObject({ text: '', action: 'hangup', disposition: 'wrong_person' });
    expect(after.trace.reason).toBe('after_end');
  });

  it('is deterministic: the same inputs give the same turns', async () => {
    const inputs = [unclear, say('yes'), silence, key('3'), say('wednesday'), say('yes')];
    expect(await run(inputs)).toEqual(await run(inputs));
  });

  it('uses the declared default for an optional variable, and refuses a contact without a required one', async () => {
    const { clinic: _omit, ...noClinic } = patient;
    const turns = await run([], noClinic);
    expect(turns[0]?.text).toContain('this is the clinic calling');
    expect(() => createDialog(bot, { name: 'Asha' })).toThrow(DialogVariablesError);
    expect(() => createDialog(bot, { ...patient, appointment_time: '  ' })).toThrow(/appointment_time/);
  });

  it('honours a minimum confidence', async () => {
    const strict = { ...bot, min_confidence: 0.5 };
    const { logger } = memoryLogger();
    const turns = await converse(createDialog(strict, patient, { logger }), [
      say('yes', 0.2),
      say('yes', 0.9),
    ]);
    expect(states(turns)).toEqual(['identity', 'identity', 'appointment']);
    expect(turns[1]?.trace.problem).toMatch(/confidence 0.2/);
  });
});
