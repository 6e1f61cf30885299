import type { Migration } from './migration';
import { m001SettingsAudit } from './migrations/001-settings-audit';
import { m002Contacts } from './migrations/002-contacts';
import { m003Calls } from './migrations/003-calls';
import { m004Voicebot } from './migrations/004-voicebot';
import { m005AuditScheme } from './migrations/005-audit-scheme';
import { m006CallEventRepeats } from './migrations/006-call-event-repeats';
import { m007Jobs } from './migrations/007-jobs';
import { m008Artifacts } from './migrations/008-artifacts';
import { m009Campaigns } from './migrations/009-campaigns';
import { m010Qa } from './migrations/010-qa';
import { m011DncVersions } from './migrations/011-dnc-versions';
import { m012AuditFilters } from './migrations/012-audit-filters';
import { m013QaSkipped } from './migrations/013-qa-skipped';
import { m014TurnAsrLate } from './migrations/014-turn-asr-late';
import { m015QaRescores } from './migrations/015-qa-rescores';
import { m016CallPrice } from './migrations/016-call-price';
import { m017CallStateSince } from './migrations/017-call-state-since';
import { m018CallOrderIndexes } from './migrations/018-call-order-indexes';

export type { Migration } from './migration';

/**
 * Every schema change, in order. One file per migration under migrations/; numbers are reserved:
 * 2 contacts (lists, contacts, dnc), 3 calls (attempts, call_events), 4 voicebot records, 5 audit scheme,
 * 6 call event repeats and stream state, 7 jobs, 8 artifacts, 9 campaigns, 10 qa,
 * 11 do-not-call versions, 12 audit filter indexes, 13 qa skipped runs, 14 voicebot turns' late ASR,
 * 15 qa rescores, 16 call price, 17 call state since, 18 call order indexes.
 */
export const MIGRATIONS: readonly Migration[] = [
  m001SettingsAudit,
  m002Contacts,
  m003Calls,
  m004Voicebot,
  m005AuditScheme,
  m006CallEventRepeats,
  m007Jobs,
  m008Artifacts,
  m009Campaigns,
  m010Qa,
  m011DncVersions,
  m012AuditFilters,
  m013QaSkipped,
  m014TurnAsrLate,
  m015QaRescores,
  m016CallPrice,
  m017CallStateSince,
  m018CallOrderIndexes,
];
