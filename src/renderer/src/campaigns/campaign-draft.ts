import type { z } from 'zod';
import {
  CampaignCreateSchema,
  LEGAL_WINDOW,
  type CampaignCreate,
  type RetryOutcome,
} from '../../../shared/campaigns';
import { WEEKDAYS } from '../../../shared/settings';

/** What the form edits: the create request as typed (numbers as numbers, times as HH:mm). */
export interface CampaignDraft {
  name: string;
  listId: number | null;
  /** Selected contacts of the list; null: every callable contact. */
  contactIds: number[] | null;
  bot: string;
  mode: 'flow' | 'stream';
  startAt: string;
  endAt: string;
  days: (typeof WEEKDAYS)[number][];
  windowStart: string;
  windowEnd: string;
  timeZone: string;
  override: boolean;
  maxConcurrent: number;
  callsPerMinute: number;
  maxAttempts: number;
  retryOn: RetryOutcome[];
  intervalMinutes: number;
  backoff: 'linear' | 'exponential';
  frequencyCapPerDay: number;
  duplicates: 'once' | 'per_campaign';
}

export const newDraft = (bot: string, callsPerMinute: number): CampaignDraft => ({
  name: '',
  listId: null,
  contactIds: null,
  bot,
  mode: 'stream',
  startAt: '',
  endAt: '',
  days: [...WEEKDAYS],
  windowStart: LEGAL_WINDOW.start,
  windowEnd: LEGAL_WINDOW.end,
  timeZone: 'Asia/Kolkata',
  override: false,
  maxConcurrent: 5,
  callsPerMinute,
  maxAttempts: 3,
  retryOn: ['busy', 'no_answer', 'failed'],
  intervalMinutes: 30,
  backoff: 'linear',
  frequencyCapPerDay: 3,
  duplicates: 'once',
});

/** A `datetime-local` value (the operator's own clock) as an ISO instant; '' stays absent. */
const instant = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

/** The draft as the Api's create request (the core validates it again with the same schema). */
export function toCreateRequest(d: CampaignDraft): CampaignCreate {
  return {
    name: d.name,
    listId: d.listId ?? 0,
    ...(d.contactIds ? { contactIds: d.contactIds } : {}),
    bot: d.bot,
    mode: d.mode,
    schedule: { startAt: instant(d.startAt), endAt: instant(d.endAt) },
    window: {
      days: d.days,
      start: d.windowStart,
      end: d.windowEnd,
      timeZone: d.timeZone,
      override: d.override,
    },
    pacing: { maxConcurrent: d.maxConcurrent, callsPerMinute: d.callsPerMinute },
    retry: {
      maxAttempts: d.maxAttempts,
      on: d.retryOn,
      intervalMinutes: d.intervalMinutes,
      backoff: d.backoff,
    },
    frequencyCapPerDay: d.frequencyCapPerDay,
    duplicates: d.duplicates,
  };
}

/** Request paths → the form's field names, so each schema error shows next to its input. */
const FIELD_OF: Record<string, keyof CampaignDraft> = {
  name: 'name',
  listId: 'listId',
  contactIds: 'contactIds',
  bot: 'bot',
  'schedule.startAt': 'startAt',
  'schedule.endAt': 'endAt',
  'window.days': 'days',
  'window.start': 'windowStart',
  'window.end': 'windowEnd',
  'window.timeZone': 'timeZone',
  'window.override': 'override',
  'pacing.maxConcurrent': 'maxConcurrent',
  'pacing.callsPerMinute': 'callsPerMinute',
  'retry.maxAttempts': 'maxAttempts',
  'retry.on': 'retryOn',
  'retry.intervalMinutes': 'intervalMinutes',
  frequencyCapPerDay: 'frequencyCapPerDay',
};

const issuesByField = (error: z.ZodError): Partial<Record<keyof CampaignDraft, string>> => {
  const out: Partial<Record<keyof CampaignDraft, string>> = {};
  for (const i of error.issues) {
    const path = i.path.map(String);
    // The deepest known prefix names the field (e.g. window.days.0 → days).
    let field: keyof CampaignDraft | undefined;
    for (let n = path.length; n > 0 && !field; n--) field = FIELD_OF[path.slice(0, n).join('.')];
    out[field ?? 'name'] ??= i.message;
  }
  return out;
};

/** Errors of the draft by field, from the schema the core applies (checked as the operator types). */
export function draftErrors(d: CampaignDraft): Partial<Record<keyof CampaignDraft, string>> {
  const errors: Partial<Record<keyof CampaignDraft, string>> = {};
  if (d.listId === null) errors.listId = 'Pick a contact list';
  const parsed = CampaignCreateSchema.safeParse(toCreateRequest(d));
  return parsed.success ? errors : { ...issuesByField(parsed.error), ...errors };
}

/** `2-40, 55` → {2..40, 55}; blank or malformed → null. */
export function parseRows(text: string): Set<number> | null {
  if (!text.trim()) return null;
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 100_000) return null;
    for (let r = a; r <= b; r++) out.add(r);
  }
  return out;
}

/**
 * Why a queued contact was skipped, in words: a reason code (after_end, dnc, operator) has its
 * underscores as spaces; a sentence (missing variables: appointment_day, …) is shown as it is, so
 * the variable names it lists stay the names the bot knows.
 */
export function skipReasonLabel(reason: string): string {
  return /^[a-z_]+$/.test(reason) ? reason.replace(/_/g, ' ') : reason;
}
