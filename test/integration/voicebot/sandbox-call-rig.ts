import type { ApiEvents } from '../../../src/shared/api/events';
import type { CallAttemptInfo, TestCallResult } from '../../../src/shared/telephony';
import type { VoicebotSessionDetail, VoicebotSessionSummary } from '../../../src/shared/voicebot';
import { createCore, MemorySecretStore, type Core, type CoreConfig } from '../../../src/main/core';
import { makeTempDir } from '../../helpers/temp-dir';
import { patient } from './wire-harness';

/** What a test call did: its attempt as the board last saw it, and the session the bot kept. */
export interface PlacedCall {
  placed: TestCallResult;
  attemptId: string;
  attempt: CallAttemptInfo | undefined;
  session: VoicebotSessionSummary;
  detail: VoicebotSessionDetail;
}

/**
 * A core on the sandbox telephony (time scaled down) with the bundled bot, placing test calls to the
 * callees of `sandboxScript` and following them through the core's events: for tests of what the bot
 * does on a whole call.
 */
export class SandboxCallRig {
  private readonly ended = new Map<string, ApiEvents['voicebot.sessionEnded']>();
  private readonly calls = new Map<string, CallAttemptInfo>();
  private readonly turns = new Map<string, ApiEvents['voicebot.turn'][]>();

  private constructor(
    readonly core: Core,
    private readonly cleanup: () => void,
  ) {
    core.subscribe((event, payload) => {
      if (event === 'voicebot.sessionEnded') {
        const p = payload as ApiEvents['voicebot.sessionEnded'];
        if (p.attemptId) this.ended.set(p.attemptId, p);
      }
      if (event === 'call.updated') {
        const p = payload as ApiEvents['call.updated'];
        this.calls.set(p.attempt.id, p.attempt);
      }
      if (event === 'voicebot.turn') {
        const p = payload as ApiEvents['voicebot.turn'];
        this.turns.set(p.sessionId, [...(this.turns.get(p.sessionId) ?? []), p]);
      }
    });
  }

  /** `voicebot`: the bot's settings beyond the test patient's variables (e.g. its session's timers). */
  static async open(sandboxScript: unknown, voicebot: CoreConfig['voicebot'] = {}): Promise<SandboxCallRig> {
    const tmp = makeTempDir();
    try {
      const core = await createCore({
        dataDir: tmp.dir,
        host: 'server',
        secrets: new MemorySecretStore(),
        actor: 'tester',
        version: '0.0.0-test',
        telephony: 'sandbox',
        sandboxTimeScale: 0.05,
        sandboxScript,
        voicebot: { ...voicebot, testVariables: patient },
      });
      return new SandboxCallRig(core, tmp.cleanup);
    } catch (err) {
      tmp.cleanup();
      throw err;
    }
  }

  async ok<T>(channel: string, request: unknown): Promise<T> {
    const result = await this.core.invoke(channel, request);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as T;
  }

  /**
   * Places a test call (flow mode) and waits, up to `ms`, until its bot session has ended (and,
   * with `callEnded`, the call too), then reads the session.
   */
  async call(number: string, o: { ms: number; callEnded?: boolean }): Promise<PlacedCall> {
    const placed = await this.ok<TestCallResult>('telephony.placeTestCall', { number, mode: 'flow' });
    const attemptId = placed.attempt.id;
    const done = () =>
      this.ended.has(attemptId) &&
      (!o.callEnded || ['completed', 'failed'].includes(this.calls.get(attemptId)?.state ?? ''));
    const deadline = Date.now() + o.ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`the call to ${number} did not end in ${o.ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [session] = await this.ok<VoicebotSessionSummary[]>('voicebot.sessions', { attemptId });
    if (!session) throw new Error('no voicebot session');
    const detail = await this.ok<VoicebotSessionDetail>('voicebot.session', { id: session.id });
    return { placed, attemptId, attempt: this.calls.get(attemptId), session, detail };
  }

  /** The transcript events the page was sent for a session, in order. */
  turnEvents(sessionId: string): ApiEvents['voicebot.turn'][] | undefined {
    return this.turns.get(sessionId);
  }

  async close(): Promise<void> {
    await this.core.stop();
    this.cleanup();
  }
}
