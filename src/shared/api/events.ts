import type { AuditEntry } from '../audit';
import type { CampaignUpdatedEvent } from '../campaigns';
import type { JobInfo } from '../jobs';
import type { QaUpdatedEvent } from '../qa';
import type { ImportOutcome, ImportProgress } from '../contacts';
import type { CallAttemptInfo, CallEventInfo, TelephonyInfo } from '../telephony';
import type { SettingsView } from '../settings';
import type { VoicebotSessionEndedEvent, VoicebotSessionStartedEvent, VoicebotTurnEvent } from '../voicebot';

/** Pushes from the core to every connected renderer. */
export interface ApiEvents {
  'settings.changed': SettingsView;
  'audit.appended': AuditEntry;
  'contacts.importProgress': { importId: string; progress: ImportProgress };
  'contacts.importFinished': { importId: string; listName: string; outcome: ImportOutcome };
  /** A list was created or deleted, or DNC marks changed. */
  'contacts.listsChanged': Record<string, never>;
  'dnc.changed': Record<string, never>;
  /** A call's state machine recorded an event (state may or may not have changed). */
  'call.updated': { attempt: CallAttemptInfo; event: CallEventInfo };
  'telephony.changed': TelephonyInfo;
  /** A voicebot stream began (a call reached the bot). */
  'voicebot.sessionStarted': VoicebotSessionStartedEvent;
  /** A transcript line: what the caller did, or what the bot said (recorded when its turn ended). */
  'voicebot.turn': VoicebotTurnEvent;
  'voicebot.sessionEnded': VoicebotSessionEndedEvent;
  /** A job started, progressed (at most ~10 a second per job) or ended. */
  'job.updated': JobInfo;
  /** A campaign was created, changed, moved state, changed pacing, or its counters moved. */
  'campaign.updated': CampaignUpdatedEvent;
  /** A QA run started, finished a scenario run, or ended. */
  'qa.updated': QaUpdatedEvent;
}

export type EventName = keyof ApiEvents;

/**
 * An event as the transports carry it. `seq` counts the core's events of one run, from 1 with no
 * gaps, so a page can tell a missed event (a jump) from a repeat (a number it has seen).
 */
export interface SequencedEvent<E extends EventName = EventName> {
  seq: number;
  event: E;
  payload: ApiEvents[E];
}
export const EVENT_NAMES = [
  'settings.changed',
  'audit.appended',
  'contacts.importProgress',
  'contacts.importFinished',
  'contacts.listsChanged',
  'dnc.changed',
  'call.updated',
  'telephony.changed',
  'voicebot.sessionStarted',
  'voicebot.turn',
  'voicebot.sessionEnded',
  'job.updated',
  'campaign.updated',
  'qa.updated',
] as const satisfies readonly EventName[];

// Compile-time proof that EVENT_NAMES lists every event.
type MissingEvents = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const everyEventListed: MissingEvents extends never ? true : never = true;
void everyEventListed;
