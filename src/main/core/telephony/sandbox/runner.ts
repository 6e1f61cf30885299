import type { Logger } from '../../logging';
import type { ExotelCallStatus } from '../exotel/schemas';
import type { SandboxCall } from './call';
import { exotelTimestamp, type SandboxClock } from './clock';
import { callPassthru, sendStatusCallback, type CallbackFields, type SendOptions } from './outbound';
import { calleeFor, flowFor, type Callee, type CalleeScript } from './script';
import type { SandboxStreamSide, StreamOutcome } from './stream-side';

export interface RunnerDeps {
  script: CalleeScript;
  clock: SandboxClock;
  streamSide: SandboxStreamSide;
  log: Logger;
  send: Omit<SendOptions, 'json' | 'log'>;
  /** Exotel's ring timeout when the request sets none (UNCONFIRMED). */
  defaultRingTimeoutSec: number;
}

/** Plays one call through: ring, the callee's outcome, the flow or stream, callbacks, the end. */
export class CallRunner {
  private readonly callee: Callee;
  private readonly hangup = new AbortController();
  /** Sandbox shutdown: every wait ends at once and no more requests leave. */
  private readonly stopper = new AbortController();
  private readonly timers: AbortController[] = [];

  constructor(
    private readonly call: SandboxCall,
    private readonly d: RunnerDeps,
  ) {
    this.callee = calleeFor(d.script, call.from);
  }

  async run(): Promise<void> {
    try {
      await this.play();
    } catch (err) {
      this.d.log.error('sandbox call failed unexpectedly', { sid: this.call.sid, err });
      if (this.call.ended === null) await this.end('failed');
    } finally {
      for (const t of this.timers) t.abort();
    }
  }

  stop(): void {
    this.stopper.abort();
    this.hangup.abort();
  }

  /** Sandbox-time wait that a shutdown cuts short. */
  private sleep(sec: number, signal?: AbortSignal): Promise<boolean> {
    return this.d.clock.sleep(
      sec,
      signal ? AbortSignal.any([signal, this.stopper.signal]) : this.stopper.signal,
    );
  }

  private note(what: string): void {
    this.call.history.push(what);
    this.call.updated = this.d.clock.now();
  }

  private setStatus(status: ExotelCallStatus): void {
    this.call.status = status;
    this.note(status);
  }

  private async play(): Promise<void> {
    const c = this.callee;
    this.setStatus('ringing');
    if (this.call.callbackEvents.includes('ringing')) await this.callback('ringing');
    const ringTimeout = this.call.timeOutSec ?? this.d.defaultRingTimeoutSec;
    switch (c.outcome) {
      case 'failed':
        await this.sleep(Math.min(c.ringSec, 1));
        return this.end('failed');
      case 'busy':
        await this.sleep(Math.min(c.ringSec, ringTimeout));
        return this.end('busy');
      case 'no-answer':
        await this.sleep(ringTimeout);
        return this.end('no-answer');
      case 'answer':
      case 'voicemail':
        if (c.ringSec > ringTimeout) {
          await this.sleep(ringTimeout);
          return this.end('no-answer');
        }
        await this.sleep(c.ringSec);
    }
    await this.answer(c.outcome === 'voicemail' ? 'Machine' : 'Human');
    const hangupAfter = c.hangupAfterSec ?? (c.outcome === 'voicemail' ? 30 : null);
    if (hangupAfter !== null) this.after(hangupAfter, 'callee hung up');
    if (this.call.timeLimitSec !== null) this.after(this.call.timeLimitSec, 'time limit reached');
    if (this.call.target.mode === 'stream') await this.stream(this.call.target.streamUrl);
    else await this.flow(this.call.target.flowUrl);
    await this.end('completed');
  }

  /** Aborts the call's hangup signal after `sec` sandbox seconds (unless the call ends first). */
  private after(sec: number, why: string): void {
    const timer = new AbortController();
    this.timers.push(timer);
    void this.sleep(sec, timer.signal).then((fired) => {
      if (fired && !this.hangup.signal.aborted) {
        this.note(why);
        this.hangup.abort();
      }
    });
  }

  private async answer(answeredBy: string): Promise<void> {
    const now = this.d.clock.now();
    this.call.answered = now;
    this.call.started = now;
    this.call.answeredBy = answeredBy;
    this.call.legs = [{ OnCallDuration: 0, Status: 'in-progress', AnsweredBy: answeredBy }];
    this.setStatus('in-progress');
    if (this.call.callbackEvents.includes('answered')) await this.callback('answered');
  }

  private async stream(url: string): Promise<StreamOutcome> {
    const streamSid = `MZ${this.call.sid.slice(0, 30)}`;
    this.note('stream:start');
    const outcome = await this.d.streamSide
      .onAnswered({
        callSid: this.call.sid,
        streamSid,
        accountSid: this.call.accountSid,
        from: this.call.from,
        to: this.call.callerId,
        streamUrl: url,
        callee: this.callee,
        hangup: this.hangup.signal,
        clock: this.d.clock,
      })
      .catch((err: unknown): StreamOutcome => {
        this.d.log.warn('sandbox stream side failed', { sid: this.call.sid, err });
        return {
          disconnectedBy: 'bot',
          status: 'failed',
          error: err instanceof Error ? err.message : String(err),
        };
      });
    this.note(`stream:end:${outcome.disconnectedBy}:${outcome.status}`);
    return outcome;
  }

  private passthruQuery(callType: string): Record<string, string> {
    const now = exotelTimestamp(this.d.clock.now());
    return {
      CallSid: this.call.sid,
      CallFrom: this.call.from,
      CallTo: this.call.callerId,
      Direction: 'outbound-api',
      Created: exotelTimestamp(this.call.created),
      CurrentTime: now,
      CallType: callType,
      DialWhomNumber: '',
      digits: '""',
      CustomField: this.call.customField ?? '',
    };
  }

  private async flow(flowUrl: string): Promise<void> {
    const { clock, log } = this.d;
    const flow = flowFor(this.d.script, flowUrl);
    if (!flow) {
      log.warn('sandbox has no flow for this flow URL: holding the line', { sid: this.call.sid });
      this.note('flow:none');
      await this.sleep(this.callee.hangupAfterSec ?? 2, this.hangup.signal);
      return;
    }
    if (flow.passthruUrl && !this.stopper.signal.aborted) {
      const status = await callPassthru(flow.passthruUrl, this.passthruQuery('call-attempt'), log);
      this.note(`passthru:${status}`);
    }
    if (this.hangup.signal.aborted) return;
    const started = clock.now();
    const outcome = flow.voicebotUrl ? await this.stream(flow.voicebotUrl) : null;
    if (this.hangup.signal.aborted || outcome?.disconnectedBy === 'user') return;
    const post = flow.postBotPassthruUrl ?? flow.passthruUrl;
    if (!post) return;
    const status = await callPassthru(
      post,
      {
        ...this.passthruQuery('call-attempt'),
        'Stream[StreamSID]': `MZ${this.call.sid.slice(0, 30)}`,
        'Stream[Status]': outcome?.status ?? 'completed',
        'Stream[Duration]': String(clock.secondsSince(started)),
        'Stream[DisconnectedBy]': outcome?.disconnectedBy ?? 'bot',
      },
      log,
    );
    this.note(`passthru-after-bot:${status}`);
    if (status !== 302 || this.hangup.signal.aborted) return;
    const leg = { OnCallDuration: 0, Status: 'in-progress', AnsweredBy: 'Human' };
    this.call.legs.push(leg);
    this.note(`agent:${flow.agentNumber}`);
    const legStart = clock.now();
    await this.sleep(this.callee.agentTalkSec, this.hangup.signal);
    leg.OnCallDuration = clock.secondsSince(legStart);
    leg.Status = 'completed';
  }

  private async end(status: ExotelCallStatus): Promise<void> {
    const { clock } = this.d;
    this.call.ended = clock.now();
    if (this.call.answered !== null) {
      this.call.conversationSec = clock.secondsSince(this.call.answered);
      const first = this.call.legs[0];
      if (first) {
        first.OnCallDuration = this.call.conversationSec;
        first.Status = 'completed';
      }
    } else {
      this.call.conversationSec = 0;
      this.call.legs = [{ OnCallDuration: 0, Status: status, AnsweredBy: 'NA' }];
    }
    this.setStatus(status);
    await this.callback('terminal');
  }

  private async callback(event: 'ringing' | 'answered' | 'terminal'): Promise<void> {
    const url = this.call.statusCallback;
    if (!url || this.stopper.signal.aborted) return;
    const explicit = this.call.callbackEvents.length > 0;
    if (!explicit && event !== 'terminal') return;
    const c = this.call;
    const fields: CallbackFields = explicit
      ? {
          CallSid: c.sid,
          EventType: event,
          Status: c.status,
          DateCreated: exotelTimestamp(c.created),
          DateUpdated: exotelTimestamp(c.updated),
          From: c.from,
          To: c.callerId,
          StartTime: exotelTimestamp(c.started ?? c.created),
          EndTime: c.ended === null ? null : exotelTimestamp(c.ended),
          ConversationDuration: c.conversationSec ?? 0,
          Direction: 'outbound-api',
          CustomField: c.customField,
          RecordingUrl:
            c.record && event === 'terminal' && c.answered !== null
              ? `sandbox://recordings/${c.sid}.wav`
              : null,
          Legs: c.legs,
        }
      : // Without StatusCallbackEvents Exotel sends only its default fields.
        { CallSid: c.sid, Status: c.status, DateUpdated: exotelTimestamp(c.updated), RecordingUrl: null };
    const status = await sendStatusCallback(url, fields, {
      ...this.d.send,
      json: c.callbackJson,
      log: this.d.log,
    });
    this.note(`callback:${event}:${status}`);
  }
}
