import { z } from 'zod';
import { HHMM, WEEKDAYS, isValidTimeZone } from './settings';

/** A campaign's life: draft → scheduled → running ⇄ paused → completed | canceled. */
export const CAMPAIGN_STATES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'canceled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** What moves a campaign between states (the dialer sends `complete`; the operator the rest). */
export const CAMPAIGN_ACTIONS = ['schedule', 'start', 'pause', 'resume', 'complete', 'cancel'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/** Outcomes a retry policy may retry (Exotel's Campaigns API retries busy / no-answer / failed). */
export const RETRY_OUTCOMES = ['busy', 'no_answer', 'failed', 'machine'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];

/** How a finished campaign attempt ended, as the campaign counts it. */
export const ATTEMPT_OUTCOMES = ['answered', ...RETRY_OUTCOMES, 'canceled'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** A contact's place in a campaign's queue. */
export const CAMPAIGN_CONTACT_STATUSES = ['pending', 'in_call', 'done', 'skipped'] as const;
export type CampaignContactStatus = (typeof CAMPAIGN_CONTACT_STATUSES)[number];

/** TRAI permits commercial calls 09:00–21:00 local time: going outside needs an explicit override. */
export const LEGAL_WINDOW = { start: '09:00', end: '21:00' } as const;
export const DEFAULT_ANSWER_RATE = 0.6;

export const CallingWindowSchema = z
  .object({
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1, 'Pick at least one calling day')
      .transform((d) => [...new Set(d)]),
    start: HHMM,
    end: HHMM,
    timeZone: z.string().trim().refine(isValidTimeZone, 'Unknown time zone'),
    /** Set on purpose to call before 09:00 or after 21:00; the override is recorded in the audit log. */
    override: z.boolean().default(false),
  })
  .strict()
  .refine((w) => w.start < w.end, { message: 'Calling window must end after it starts', path: ['end'] })
  .refine((w) => w.override || (w.start >= LEGAL_WINDOW.start && w.end <= LEGAL_WINDOW.end), {
    message: `Calls outside ${LEGAL_WINDOW.start}–${LEGAL_WINDOW.end} need the window override (it is audited)`,
    path: ['override'],
  });
export type CallingWindow = z.output<typeof CallingWindowSchema>;

/** True when a window reaches outside the legal hours (it must carry the override). */
export const widensLegalWindow = (w: Pick<CallingWindow, 'start' | 'end'>): boolean =>
  w.start < LEGAL_WINDOW.start || w.end > LEGAL_WINDOW.end;

export const PacingSchema = z
  .object({
    maxConcurrent: z.number().int().min(1).max(500),
    /** Never above the account's limit (Settings › Calling); the core checks that. */
    callsPerMinute: z.number().int().min(1).max(6000),
  })
  .strict();
export type Pacing = z.output<typeof PacingSchema>;

export const RetryPolicySchema = z
  .object({
    /** Attempts per contact in this campaign, the first included (Exotel allows 0–3 retries). */
    maxAttempts: z.number().int().min(1).max(10),
    on: z
      .array(z.enum(RETRY_OUTCOMES))
      .transform((o) => [...new Set(o)])
      .default(['busy', 'no_answer', 'failed']),
    intervalMinutes: z
      .number()
      .min(0)
      .max(7 * 24 * 60),
    backoff: z.enum(['linear', 'exponential']).default('linear'),
  })
  .strict();
export type RetryPolicy = z.output<typeof RetryPolicySchema>;

export const ScheduleSchema = z
  .object({
    /** ISO instant; absent: as soon as it is started. */
    startAt: z.string().datetime({ offset: true }).optional(),
    /** ISO instant after which nothing is dialled. */
    endAt: z.string().datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((s) => !s.startAt || !s.endAt || Date.parse(s.startAt) < Date.parse(s.endAt), {
    message: 'The end must come after the start',
    path: ['endAt'],
  });
export type Schedule = z.output<typeof ScheduleSchema>;

export const CampaignSettingsSchema = z
  .object({
    bot: z.string().trim().min(1).max(200),
    mode: z.enum(['flow', 'stream']).default('stream'),
    schedule: ScheduleSchema.default({}),
    window: CallingWindowSchema.default({
      days: [...WEEKDAYS],
      start: LEGAL_WINDOW.start,
      end: LEGAL_WINDOW.end,
      timeZone: 'Asia/Kolkata',
      override: false,
    }),
    pacing: PacingSchema.default({ maxConcurrent: 5, callsPerMinute: 10 }),
    retry: RetryPolicySchema.default({
      maxAttempts: 3,
      on: ['busy', 'no_answer', 'failed'],
      intervalMinutes: 30,
      backoff: 'linear',
    }),
    /** Attempts one contact (by number) may get per day across all campaigns. */
    frequencyCapPerDay: z.number().int().min(1).max(50).default(3),
    /** A number in two running campaigns: called once overall, or once per campaign. */
    duplicates: z.enum(['once', 'per_campaign']).default('once'),
  })
  .strict();
export type CampaignSettings = z.output<typeof CampaignSettingsSchema>;

const Name = z.string().trim().min(1, 'Name the campaign').max(120);
const ContactIds = z.array(z.number().int().positive()).min(1).max(100_000);

export const CampaignCreateSchema = CampaignSettingsSchema.extend({
  name: Name,
  listId: z.number().int().positive(),
  /** Selected contacts of the list; absent: every callable contact on it. */
  contactIds: ContactIds.optional(),
}).strict();
export type CampaignCreate = z.input<typeof CampaignCreateSchema>;

export const CampaignIdSchema = z.object({ campaignId: z.string().min(1).max(64) }).strict();

/** A draft's changes: only the fields given change (the list stays; its selection may change). */
export const CampaignUpdateSchema = z
  .object({
    campaignId: z.string().min(1).max(64),
    name: Name.optional(),
    contactIds: ContactIds.nullable().optional(),
    bot: z.string().trim().min(1).max(200).optional(),
    mode: z.enum(['flow', 'stream']).optional(),
    schedule: ScheduleSchema.optional(),
    window: CallingWindowSchema.optional(),
    pacing: PacingSchema.optional(),
    retry: RetryPolicySchema.optional(),
    frequencyCapPerDay: z.number().int().min(1).max(50).optional(),
    duplicates: z.enum(['once', 'per_campaign']).optional(),
  })
  .strict();
export type CampaignUpdate = z.input<typeof CampaignUpdateSchema>;

export const CampaignPacingSchema = z
  .object({ campaignId: z.string().min(1).max(64), pacing: PacingSchema })
  .strict();

export const CampaignContactActionSchema = z
  .object({ campaignId: z.string().min(1).max(64), contactId: z.number().int().positive() })
  .strict();

export const CampaignListSchema = z
  .object({ states: z.array(z.enum(CAMPAIGN_STATES)).optional() })
  .strict()
  .default({});

export const CampaignContactsSchema = z
  .object({
    campaignId: z.string().min(1).max(64),
    status: z.enum(CAMPAIGN_CONTACT_STATUSES).optional(),
    /** Page forward from this queue position (exclusive). */
    afterPosition: z.number().int().min(-1).default(-1),
    limit: z.number().int().min(1).max(5000).default(500),
  })
  .strict();

export const CampaignForecastSchema = z
  .object({
    campaignId: z.string().min(1).max(64),
    /** Answer rate to assume; default: the campaign's own so far, or 0.6 before it has any. */
    answerRate: z.number().min(0).max(1).optional(),
  })
  .strict();

/** Counts of a campaign's queue and attempts. */
export interface CampaignCounters {
  contacts: number;
  byStatus: Record<CampaignContactStatus, number>;
  attempts: number;
  /** Attempts dialled and not yet finished. */
  inFlight: number;
  byOutcome: Record<AttemptOutcome, number>;
  flagged: number;
}

export interface CampaignInfo {
  id: string;
  name: string;
  state: CampaignState;
  listId: number;
  listName: string | null;
  /** Selected contacts; null: the whole list. */
  contactIds: number[] | null;
  settings: CampaignSettings;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface CampaignDetail extends CampaignInfo {
  counters: CampaignCounters;
}

/** One contact of a campaign, with its latest attempt. */
export interface CampaignContactInfo {
  contactId: number;
  position: number;
  number: string;
  name: string;
  status: CampaignContactStatus;
  attempts: number;
  nextEligibleAt: string | null;
  skipReason: string | null;
  lastOutcome: AttemptOutcome | null;
  last: {
    attemptId: string;
    attemptNo: number;
    outcome: AttemptOutcome | null;
    disposition: string | null;
    flags: string[];
    createdAt: string;
  } | null;
}

export interface CampaignContactsPage {
  contacts: CampaignContactInfo[];
  total: number;
}

/** Why a contact is forecast not to be reached. */
export type ForecastMissReason = 'after_end' | 'no_window';

export interface CampaignForecast {
  /** The instant the forecast starts from (the start, or now for a running campaign). */
  from: string;
  /** When the last call is expected to end; null when nothing is left to dial. */
  finishAt: string | null;
  /**
   * When the next dial is expected to leave: later than `from` when the calling window (or the
   * start) is ahead, e.g. a campaign started in the evening waits for the morning.
   */
  firstDialAt: string | null;
  /** When the last dial is expected to leave (always inside the window). */
  lastDialAt: string | null;
  /** Contacts still to be called (pending or in a call now). */
  contacts: number;
  /** Expected dials from now on, first attempts and retries. */
  dials: number;
  expectedRetries: number;
  /** Connected minutes (answered and machine calls), each call rounded up to a whole minute as Exotel bills. */
  callMinutes: number;
  answerRate: number;
  /** The outcome mix assumed for each dial (sums to 1). */
  rates: Record<Exclude<AttemptOutcome, 'canceled'>, number>;
  /**
   * Where the rates came from: the assumption (default answer rate 0.6), or the campaign's own
   * finished attempts, which outweigh the assumption as they grow (`observedAttempts`).
   */
  answerRateSource: 'assumed' | 'observed';
  observedAttempts: number;
  /** Contacts the window and end date leave unreached (the queue's tail), by reason. */
  unreachable: { count: number; reason: ForecastMissReason | null; firstPositions: number[] };
  /** Retries that would fall after the end (their contacts keep the attempts they had). */
  retriesCut: number;
  /** Calls per minute the pacing gives once concurrency and call length are counted. */
  effectiveCallsPerMinute: number;
}

export const CampaignEventReasonSchema = z.enum(['created', 'updated', 'state', 'progress', 'pacing']);
/** Pushed when a campaign is created, changed, moves state, or its counters move. */
export interface CampaignUpdatedEvent {
  campaign: CampaignDetail;
  reason: z.infer<typeof CampaignEventReasonSchema>;
}
