import fs from 'node:fs/promises';
import path from 'node:path';
import { WaveFile } from 'wavefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { parseScenario } from '../../../src/main/core/qa';
import { SpeechCache } from '../../../src/main/core/qa/callers/caller-audio';
import { runConversation } from '../../../src/main/core/qa/callers/conversation';
import { startLocalBot } from '../../../src/main/core/qa/callers/local-bot';
import { humanStepFile, scriptedCaller } from '../../../src/main/core/qa/callers/scripted-caller';
import { createSpeechProviders, int16, type SpeechProviders } from '../../../src/main/core/speech';
import { loadBotFile, type BotDefinition } from '../../../src/main/core/voicebot';
import { makeTempDir } from '../../helpers/temp-dir';
import { demoBotFile, patient } from '../../fixtures/demo-bot';

let speech: SpeechProviders;
let bot: BotDefinition;
let tmp: ReturnType<typeof makeTempDir>;
const logs: LogRecord[] = [];
const log = createLogger([memorySink(logs)], 'debug', 'test');

beforeAll(async () => {
  tmp = makeTempDir();
  speech = await createSpeechProviders({});
  bot = await loadBotFile(demoBotFile);
}, 60_000);

afterAll(() => {
  speech?.dispose();
  tmp?.cleanup();
});

async function converse(yaml: string, kind: 'synthetic' | 'human' = 'synthetic', seed?: number) {
  const parsed = parseScenario(yaml, 's.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const cache = new SpeechCache(speech.tts, path.join(tmp.dir, 'tts'));
  const caller = await scriptedCaller({
    kind,
    suiteDir: tmp.dir,
    file: 's.yaml',
    scenario: parsed.scenario,
    speech: cache,
    ...(seed === undefined ? {} : { seed }),
  });
  const line = startLocalBot({ bot, speech, variables: patient, log });
  const t0 = performance.now();
  const rec = await runConversation({ line, caller, maxDurationMs: 120_000 });
  return { rec, wallMs: performance.now() - t0 };
}

describe('a synthetic caller and the demo bot in process', () => {
  it('confirms: each reply is heard in full, turn by turn, in media time, many times faster than real time', async () => {
    const { rec, wallMs } = await converse('name: c\nsteps:\n  - say: yes\n  - say: confirm\n');
    expect(rec.endReason).toBe('bot_hangup');
    expect(rec.outcome.disposition).toBe('confirmed');
    expect(rec.outcome.transfer).toBe(false);
    expect(rec.turns.map((t) => t.action)).toEqual(['greeting', 'say', 'say']);
    expect(rec.turns[0]?.botTextReported).toMatch(/Am I speaking with Asha Rao/);
    expect(rec.turns[2]?.botTextReported).toMatch(/We will see you on Monday the fifth/);
    for (const t of rec.turns) {
      expect(t.botStartMs).not.toBeNull();
      expect(t.marks.length).toBe(1);
      expect(t.marks[0]?.echoedMs).toBe(t.botEndMs);
    }
    for (const t of rec.turns.slice(1)) {
      // The caller waited for the bot to finish, and the bot answered after the caller's end of speech.
      expect(t.callerStartMs).toBeGreaterThanOrEqual(rec.turns[t.index - 1]?.botEndMs ?? 0);
      const latency = (t.botStartMs ?? 0) - (t.callerEndMs ?? 0);
      expect(latency).toBeGreaterThan(0);
      expect(latency).toBeLessThan(1500);
    }
    expect(rec.callerPcm.length).toBe(rec.botPcm.length);
    expect(rec.botPcm.length).toBe(Math.round(rec.durationMs * 8) * 2);
    expect(rec.durationMs).toBeGreaterThan(20 * wallMs);
  }, 60_000);

  it('the same conversation twice gives the same media timeline', async () => {
    const a = await converse('name: c\nsteps:\n  - say: yes\n  - say: cancel\n  - say: yes\n');
    const b = await converse('name: c\nsteps:\n  - say: yes\n  - say: cancel\n  - say: yes\n');
    expect(a.rec.outcome.disposition).toBe('cancelled');
    const spans = (r: typeof a.rec) =>
      r.turns.map((t) => [t.callerStartMs, t.callerEndMs, t.botStartMs, t.botEndMs]);
    expect(spans(b.rec)).toEqual(spans(a.rec));
  }, 60_000);

  it('a caller that barges in: the bot stops its prompt, and the caller is heard', async () => {
    const { rec } = await converse(
      'name: b\nsteps:\n  - say: yes\n  - say: confirm\n    barge_in_ms: 1500\n',
    );
    const [, appointment, answer] = rec.turns;
    expect(answer?.bargeIn).toBe(true);
    // The caller spoke 1.5 s into the appointment prompt; the bot cleared the rest of it.
    expect(answer?.callerStartMs).toBe((appointment?.botStartMs ?? 0) + 1500);
    expect(appointment?.botClearedMs).not.toBeNull();
    expect(appointment?.botClearedMs).toBeGreaterThan(answer?.callerStartMs ?? 0);
    expect(appointment?.botEndMs).toBe(appointment?.botClearedMs);
    expect(rec.outcome.disposition).toBe('confirmed');
  }, 60_000);

  it('a human caller: recordings of any rate and channel count, converted to 8 kHz', async () => {
    const dir = path.join(tmp.dir, 'human', 's');
    await fs.mkdir(dir, { recursive: true });
    for (const [i, line] of ['yes', 'cancel', 'yes'].entries()) {
      // 22.05 kHz stereo, as a phone app might record it.
      const audio = await speech.tts.synthesizeAll(line, { sampleRate: 22050 });
      const mono = int16(audio.pcm);
      const wav = new WaveFile();
      wav.fromScratch(2, 22050, '16', [mono, mono]);
      await fs.writeFile(humanStepFile(dir, i), wav.toBuffer());
    }
    const { rec } = await converse('name: h\nsteps:\n  - say: yes\n  - say: cancel\n  - say: yes\n', 'human');
    expect(rec.turns.slice(1).map((t) => t.callerText)).toEqual([
      'human/s/step-01.wav',
      'human/s/step-02.wav',
      'human/s/step-03.wav',
    ]);
    expect(rec.outcome.disposition).toBe('cancelled');
  }, 60_000);

  it('a human caller whose recording is missing fails before the call, naming the file', async () => {
    await fs.rm(path.join(tmp.dir, 'human'), { recursive: true, force: true });
    await expect(converse('name: m\nsteps:\n  - say: yes\n', 'human').then(() => 'ran')).rejects.toThrow(
      /human\/s\/step-01\.wav/,
    );
  });

  it('seeded effects on the caller (telephone band, noise at 20 dB, 2% packet loss): the bot still understands', async () => {
    const yaml =
      'name: e\neffects: { band_pass: true, snr_db: 20, packet_loss: 0.02 }\nsteps:\n  - say: yes\n  - say: confirm\n';
    const { rec } = await converse(yaml, 'synthetic', 11);
    expect(rec.outcome.disposition).toBe('confirmed');
    const again = await converse(yaml, 'synthetic', 11);
    expect(again.rec.callerPcm.equals(rec.callerPcm)).toBe(true);
  }, 60_000);
});
