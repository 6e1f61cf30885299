import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/main/core/speech';
import { bridgeClient, startServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

// Calls that outlive the app: the built `calldeck serve` with the sandbox places a test call, the
// demo bot talks with the sandbox's callee, and the process is killed with SIGKILL while the call is
// live (no shutdown code runs). Started again on the same data folder, it settles the call through the
// state machine (the sandbox died with it, so the provider cannot say: `interrupted`, with the reason)
// and ends the bot session as `app_stopped` with its partial recording repaired into valid WAVs,
// served as an artifact.

const NUMBER = '+919800000777';
const SCRIPT = `callees:
  - number: '${NUMBER}'
    outcome: answer
    ringSec: 1
    says:
      - say: Hello, who is this?
      - silenceSec: 300
`;

interface Attempt {
  id: string;
  state: string;
  endReason: string | null;
}
interface Session {
  id: string;
  attemptId: string | null;
  endedAt: string | null;
  endReason: string | null;
}

/** Polls (every 200 ms, at most `ms`) until `get` returns something. */
async function until<T>(what: string, get: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a call that outlives the app (kill -9 during the call, then restart)', () => {
  const tmp = makeTempDir('calldeck-crash-');
  const dataDir = path.join(tmp.dir, 'data');
  const script = path.join(tmp.dir, 'callees.yaml');
  fs.writeFileSync(script, SCRIPT);
  const args = ['--data', dataDir, '--port', '0', '--sandbox', '--sandbox-script', script];
  const running: ServeProcess[] = [];
  afterAll(async () => {
    for (const s of running) await s.stop();
    tmp.cleanup();
  });

  it('settles the call and its bot session with a reason, and the partial recording plays', async () => {
    const first = await startServe(args);
    running.push(first);
    const api = await bridgeClient(first);
    const placed = await api.call<{ attempt: Attempt }>('telephony.placeTestCall', { number: NUMBER });
    const attemptId = placed.attempt.id;
    // Live: answered, the bot's session running, and a few seconds of audio through it.
    const session = await until('the bot session', async () => {
      const [s] = await api.call<Session[]>('voicebot.sessions', { attemptId });
      return s;
    });
    const callerWav = path.join(dataDir, 'recordings', session.id, 'caller.wav');
    await until('4 s of recorded audio on disk', () =>
      Promise.resolve(
        fs.existsSync(callerWav) && fs.statSync(callerWav).size > 44 + 4 * 16_000 ? true : undefined,
      ),
    );
    const [live] = await api.call<Attempt[]>('telephony.recentCalls', { limit: 5 });
    expect(live).toMatchObject({ id: attemptId, state: 'in_progress' });
    api.close();

    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    // What the crash left: audio on disk behind a placeholder header (0 bytes of data declared).
    const left = fs.readFileSync(callerWav);
    expect(left.readUInt32LE(40)).toBe(0);
    expect(left.length).toBeGreaterThan(44 + 4 * 16_000);

    const second = await startServe(args);
    running.push(second);
    const again = await bridgeClient(second);
    const settled = await until('the call to be settled', async () => {
      const calls = await again.call<Attempt[]>('telephony.recentCalls', { limit: 5 });
      const a = calls.find((c) => c.id === attemptId);
      return a && a.state !== 'in_progress' ? a : undefined;
    });
    expect(settled.state).toBe('interrupted');
    expect(settled.endReason).toMatch(
      /^CallDeck stopped while the call was in progress; the provider could not say/,
    );
    const events = await again.call<{ type: string; source: string }[]>('telephony.callEvents', {
      attemptId,
    });
    expect(events.slice(-2).map((e) => [e.type, e.source])).toEqual([
      ['stream_ended', 'recovery'],
      ['interrupted', 'recovery'],
    ]);

    const detail = await until('the session to be ended', async () => {
      const d = await again.call<{ session: Session; recordings: { mix: string } | null }>(
        'voicebot.session',
        {
          id: session.id,
        },
      );
      return d.session.endedAt ? d : undefined;
    });
    expect(detail.session.endReason).toBe('app_stopped');
    expect(detail.recordings).not.toBeNull();

    // The partial recording plays: a valid stereo WAV, streamed as an artifact.
    const rec = await again.call<{ artifact: { id: string } }>('voicebot.recording', {
      sessionId: session.id,
      channel: 'mix',
    });
    const res = await fetch(`${second.origin}/artifacts/${rec.artifact.id}?token=${second.token}`);
    expect(res.status).toBe(200);
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    const mono = decodeWav(wav);
    expect(mono.pcm.length / 2 / mono.sampleRate).toBeGreaterThan(4);
    const caller = decodeWav(fs.readFileSync(callerWav));
    expect(caller.pcm.length).toBeGreaterThanOrEqual(left.length - 44 - 1);
    again.close();
  }, 120_000);
});
