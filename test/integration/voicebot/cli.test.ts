import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/main/core/logging';
import { FliteTts } from '../../../src/main/core/speech';
import { VoicebotRecords } from '../../../src/main/core/voicebot';
import { buildProgram } from '../../../src/main/server/program';
import { runVoicebot } from '../../../src/main/server/commands/voicebot';
import { makeTempDir } from '../../helpers/temp-dir';
import { RawExotel, RATE } from './wire-harness';
import { ArtifactsRepository, openDatabase, VoicebotRepository } from '../../../src/main/core/store';
import { Artifacts } from '../../../src/main/core/artifacts';
import path from 'node:path';

const temps: (() => void)[] = [];
afterEach(() => {
  for (const c of temps.splice(0)) c();
});

describe('calldeck voicebot', () => {
  it('is registered with its options', () => {
    const cmd = buildProgram().commands.find((c) => c.name() === 'voicebot');
    expect(cmd?.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--port', '--bot', '--data']));
  });

  it('prints its stream URL; any path below it is a session with the offline stack', async () => {
    const { dir, cleanup } = makeTempDir();
    temps.push(cleanup);
    const lines: string[] = [];
    const running = await runVoicebot({ port: 0, data: dir }, (l) => lines.push(l));
    // The CLI builds the whole core (through the composition root): its events say when a session ended.
    const ended = new Promise<void>((resolve) =>
      running.core.subscribe((event) => {
        if (event === 'voicebot.sessionEnded') resolve();
      }),
    );
    const tts = await FliteTts.load();
    try {
      expect(lines).toEqual([`Voicebot stream: ${running.streamUrl}`]);
      expect(running.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/voicebot\/[\w-]+\/$/);
      const c = await RawExotel.connect(`${running.streamUrl}qa/run-1`);
      // Exotel passes custom parameters in start: here they fill the bot's variables.
      c.begin({ name: 'Ravi', appointment_day: 'Friday', appointment_time: 'noon' });
      await c.untilMark('turn-1');
      c.silence(200);
      c.echoMark('turn-1');
      c.audio((await tts.synthesizeAll('yes', { sampleRate: RATE })).pcm);
      c.silence(800);
      await c.untilMark('turn-2');
      c.stop();
      await c.closed;
      await ended;
    } finally {
      tts.dispose();
      await running.close();
    }
    const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
    try {
      const records = new VoicebotRecords(
        new VoicebotRepository(db),
        new Artifacts(new ArtifactsRepository(db), dir, silentLogger),
      );
      const [session] = records.sessions();
      const detail = session && records.session(session.id);
      expect(detail?.lines.map((l) => [l.speaker, l.text.slice(0, 40)])).toEqual([
        ['bot', 'Hello, this is the clinic calling. Am I '],
        ['caller', 'yes'],
        ['bot', 'Thank you. You have an appointment on Fr'],
      ]);
      expect(detail?.lines[0]?.text).toContain('speaking with Ravi');
      expect(detail?.session.attemptId).toBeNull();
    } finally {
      db.close();
    }
  });
});
