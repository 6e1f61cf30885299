import type { TranscriptLine } from '../../../../shared/voicebot';
import type { Logger } from '../../logging';
import { createMediaPair, ExotelStreamClient } from '../../stream';
import {
  SessionOptionsSchema,
  testCallVariables,
  VoicebotSession,
  type BotDefinition,
  type SessionEndInfo,
  type SessionObserver,
  type SessionOptionsInput,
  type SessionSetup,
  type SessionSpeech,
} from '../../voicebot';
import { BotWork } from './bot-work';
import type { BotLine } from './conversation';

/** What the in-process bot said about itself: its transcript and how the call ended. */
export class LocalBotRecord implements SessionObserver {
  readonly lines: TranscriptLine[] = [];
  end: SessionEndInfo | null = null;
  decision: 'agent' | 'none' | null = null;

  constructor(
    private readonly bot: BotDefinition,
    private readonly variables: Record<string, string>,
  ) {}

  setup(): SessionSetup {
    return { attemptId: null, bot: this.bot, variables: testCallVariables(this.bot, this.variables) };
  }
  started(): void {}
  line(line: TranscriptLine): void {
    this.lines.push(line);
  }
  metrics(): void {}
  audio(): void {}
  decided(decision: 'agent' | 'none'): void {
    this.decision = decision;
  }
  ended(end: SessionEndInfo): Promise<void> {
    this.end = end;
    return Promise.resolve();
  }
}

export interface LocalBotOptions {
  bot: BotDefinition;
  speech: SessionSpeech;
  variables: Record<string, string>;
  log: Logger;
  session?: SessionOptionsInput;
}

/**
 * A bot in this process, joined to the caller by the media port: Exotel's frames with no socket, the
 * caller's audio fed as fast as the bot consumes it (media time only runs while the bot is not
 * working). The session records into memory: a QA run stores its audio and results itself.
 */
export function startLocalBot(o: LocalBotOptions): BotLine {
  const work = new BotWork();
  const pair = createMediaPair({ sampleRate: 8000, logger: o.log });
  const record = new LocalBotRecord(o.bot, o.variables);
  const session = new VoicebotSession(pair.bot, {
    speech: work.track(o.speech),
    options: SessionOptionsSchema.parse(o.session ?? {}),
    observer: record,
    log: o.log,
  });
  const client = ExotelStreamClient.overPort(pair.caller, {
    pacing: work.clock(),
    customParameters: o.variables,
  });
  return {
    client,
    realtime: false,
    settle: () => work.quiet(),
    outcome: async () => {
      await session.done;
      const text = new Map<number, string>();
      for (const l of record.lines) if (l.speaker === 'bot') text.set(l.turn, l.text);
      return {
        disposition: record.end?.disposition ?? null,
        transfer: record.decision === null ? null : record.decision === 'agent',
        botTexts: [...text.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]),
        sessionId: null,
        error:
          record.end?.reason === 'error' || record.end?.reason === 'setup_failed' ? record.end.reason : null,
      };
    },
  };
}

/** A bot at a URL (Exotel's stream protocol over WebSocket), paced in real time as a phone line is. */
export async function connectBotUrl(url: string, variables: Record<string, string>): Promise<BotLine> {
  const client = await ExotelStreamClient.connect({ url, pacing: 'realtime', customParameters: variables });
  return {
    client,
    realtime: true,
    settle: () => Promise.resolve(),
    outcome: () =>
      Promise.resolve({ disposition: null, transfer: null, botTexts: [], sessionId: null, error: null }),
  };
}
