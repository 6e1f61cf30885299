import type { AuditEntry } from '../audit';
import type { SettingsView } from '../settings';

/** Pushes from the core to every connected renderer. */
export interface ApiEvents {
  'settings.changed': SettingsView;
  'audit.appended': AuditEntry;
}

export type EventName = keyof ApiEvents;
export const EVENT_NAMES = ['settings.changed', 'audit.appended'] as const satisfies readonly EventName[];

// Compile-time proof that EVENT_NAMES lists every event.
type MissingEvents = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const everyEventListed: MissingEvents extends never ? true : never = true;
void everyEventListed;
