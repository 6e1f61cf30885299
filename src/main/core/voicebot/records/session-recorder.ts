import path from 'node:path';
import type { ApiEvents } from '../../../../shared/api/events';
import type { TranscriptLine, TurnMetrics, VoicebotRecordingPaths } from '../../../../shared/voicebot';
import type { Logger } from '../../logging';
import type { VoicebotRepository } from '../../store';
import type { StartFrame } from '../../stream';
import type { BotDefinition, DialogVariables } from '../dialog';
import type { SessionEndInfo, SessionObserver, SessionSetup, SessionStartInfo } from '../session/observer';
import { CallRecording, underFloor, type RecordingSpace } from './recording-files';
import { testCallVariables } from './test-variables';

export type VoicebotEventName = 'voicebot.sessionStarted' | 'voicebot.turn' | 'voicebot.sessionEnded';
export type VoicebotEventSink = <E extends VoicebotEventName>(event: E, payload: ApiEvents[E]) => void;

/** The call state machine, as the voicebot sees it (implemented by telephony's CallStateService). */
export interface VoicebotCallLink {
  /** Our attempt for this stream: by the `attempt` custom parameter (direct stream) or Exotel's CallSid. */
  findAttempt(start: StartFrame):
    | {
        attemptId: string;
        contactId: string | null;
        variables?: Record<string, string>;
        botId?: string;
        /** Who answered, as the provider said so far ('machine': the bot does not talk to it). */
        answeredBy?: string | null;
      }
    | undefined;
  streamStarted(attemptId: string): void;
  /** `user`: the caller hung up (stop: callended); `bot`: the bot closed the stream; null: unknown. */
  streamEnded?(attemptId: string, disconnectedBy: 'bot' | 'user' | null): void;
  decideTransfer(attemptId: string, decision: 'agent' | 'none'): void;
}

/** Who ended the stream, as far as the session's end reason tells. */
const DISCONNECTED_BY: Partial<Record<string, 'bot' | 'user'>> = {
  caller_hangup: 'user',
  bot_hangup: 'bot',
  transfer: 'bot',
};

/** The bot a call names (undefined: the default bot). Throws when there is no such bot. */
export type BotLookup = (id: string | undefined) => BotDefinition;

export interface RecorderDeps {
  sessionId: string;
  bots: BotLookup;
  repo: VoicebotRepository;
  recordingsDir: string;
  log: Logger;
  calls?: VoicebotCallLink;
  emit?: VoicebotEventSink;
  /** Values for a stream that belongs to no contact (test calls, QA, the CLI). */
  testVariables?: DialogVariables;
  /** Free disk space the recording leaves alone (none: no check). */
  recordingSpace?: RecordingSpace;
}

/**
 * Records one session: the session row, transcript lines and turn metrics in SQLite as the call goes,
 * the WAV files at the end, the bot's decision in the call state machine, and small Api events. A
 * failure here is logged and never breaks the call.
 */
export class SessionRecorder implements SessionObserver {
  private attemptId: string | null = null;
  private readonly v2v = new Map<number, number | null>();
  private recording?: CallRecording;
  /** False: the session's row, lines and recordings are not written (see started()). */
  private stored = true;

  constructor(private readonly d: RecorderDeps) {}

  setup(start: StartFrame): SessionSetup {
    const attempt = this.guard('find the call attempt', () => this.d.calls?.findAttempt(start));
    // The call attempt names its bot (a campaign's, a test call's); a stream may name one itself.
    const { attempt: _attempt, bot: botParam, ...params } = start.customParameters;
    const bot = this.d.bots(attempt?.botId ?? (botParam || undefined));
    if (!attempt) {
      return {
        attemptId: null,
        bot,
        variables: testCallVariables(bot, { ...this.d.testVariables, ...params }),
      };
    }
    this.attemptId = attempt.attemptId;
    this.guard('record stream_started', () => this.d.calls?.streamStarted(attempt.attemptId));
    const machine = attempt.answeredBy === 'machine';
    if (attempt.contactId === null) {
      return {
        attemptId: attempt.attemptId,
        bot,
        machine,
        // A test call's own variables (set by the operator when placing it) come first.
        variables: testCallVariables(bot, { ...this.d.testVariables, ...attempt.variables }),
      };
    }
    const variables = this.d.repo.contactVariables(attempt.contactId);
    if (!variables) this.d.log.warn('the call has a contact that is gone', { contactId: attempt.contactId });
    return { attemptId: attempt.attemptId, bot, machine, variables: variables ?? {} };
  }

  started(info: SessionStartInfo): void {
    // A stream that belongs to no call of ours is what anyone with the URL can open as often as they
    // like: under the disk floor it is answered but nothing of it is stored.
    const space = this.d.recordingSpace;
    if (info.attemptId === null && space && underFloor(space, this.d.recordingsDir)) {
      this.stored = false;
      this.d.log.warn('voicebot session not stored: its disk is under the free-space floor', {
        floorBytes: space.floorBytes,
      });
    }
    if (this.stored) this.record(info);
    this.d.emit?.('voicebot.sessionStarted', {
      sessionId: this.d.sessionId,
      attemptId: this.attemptId,
      botId: info.botId,
    });
  }

  private record(info: SessionStartInfo): void {
    this.d.repo.insertSession({
      id: this.d.sessionId,
      attemptId: info.attemptId,
      streamSid: info.streamSid,
      callSid: info.callSid,
      botId: info.botId,
      sampleRate: info.sampleRate,
      startedAt: new Date().toISOString(),
    });
    // Written as the call goes: a crash leaves what was said so far (repaired at the next start).
    this.recording = CallRecording.start(
      path.join(this.d.recordingsDir, this.d.sessionId),
      info.sampleRate,
      this.d.recordingSpace,
    );
  }

  line(line: TranscriptLine): void {
    if (this.stored) this.guard('store a transcript line', () => this.d.repo.addLine(this.d.sessionId, line));
    this.d.emit?.('voicebot.turn', {
      sessionId: this.d.sessionId,
      attemptId: this.attemptId,
      line,
      voiceToVoiceMs: line.speaker === 'bot' ? (this.v2v.get(line.turn) ?? null) : null,
    });
  }

  audio(caller: Buffer, bot: Buffer): void {
    this.recording?.write(caller, bot);
  }

  /** Audio this session holds in memory on its way to disk. */
  get heldBytes(): number {
    return this.recording?.heldBytes ?? 0;
  }

  metrics(metrics: TurnMetrics): void {
    this.v2v.set(metrics.turn, metrics.voiceToVoiceMs);
    if (this.stored)
      this.guard('store turn metrics', () => this.d.repo.addMetrics(this.d.sessionId, metrics));
  }

  decided(decision: 'agent' | 'none'): void {
    const attemptId = this.attemptId;
    if (attemptId)
      this.guard('record the transfer decision', () => this.d.calls?.decideTransfer(attemptId, decision));
  }

  async ended(end: SessionEndInfo): Promise<void> {
    // First, before the WAVs: the call's state must not wait on disk writes.
    const attemptId = this.attemptId;
    const by = Object.hasOwn(DISCONNECTED_BY, end.reason) ? (DISCONNECTED_BY[end.reason] ?? null) : null;
    if (attemptId) this.guard('record stream_ended', () => this.d.calls?.streamEnded?.(attemptId, by));
    let recordings: VoicebotRecordingPaths | null = null;
    try {
      recordings = (await this.recording?.close()) ?? null;
    } catch (err) {
      this.d.log.error('could not write the call recordings', { err, sessionId: this.d.sessionId });
    }
    if (this.stored)
      this.guard('store the session end', () =>
        this.d.repo.endSession(this.d.sessionId, {
          endedAt: new Date().toISOString(),
          endReason: end.reason,
          disposition: end.disposition,
          transfer: end.transfer,
          durationMs: end.durationMs,
          turns: end.turns,
          recordings,
        }),
      );
    this.d.emit?.('voicebot.sessionEnded', {
      sessionId: this.d.sessionId,
      attemptId: this.attemptId,
      endReason: end.reason,
      disposition: end.disposition,
      transfer: end.transfer,
      turns: end.turns,
      durationMs: end.durationMs,
    });
  }

  private guard<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.d.log.error(`voicebot could not ${what}`, { err, sessionId: this.d.sessionId });
      return undefined;
    }
  }
}
