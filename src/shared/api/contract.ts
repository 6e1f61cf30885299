import { TestCallSetupSchema, type BotsView } from '../bots';
import { z } from 'zod';
import type { AuditFacets, AuditPage, AuditVerifyResult } from '../audit';
import type { ArtifactRef } from '../artifacts';
import {
  ContactsPageSchema,
  DncAddSchema,
  DncImportSchema,
  DncListSchema,
  DncRemoveSchema,
  ImportIdSchema,
  ListIdSchema,
  PreviewRequestSchema,
  StartImportSchema,
  type ContactsPage,
  type DncChange,
  type DncEntry,
  type ImportPreview,
  type ListSummary,
  type RejectCsv,
  type RowReject,
} from '../contacts';
import { CallStatsRequestSchema, type CallStats } from '../call-stats';
import { CallBoardRequestSchema, type BoardCall } from '../call-board';
import {
  CampaignContactActionSchema,
  CampaignContactsSchema,
  CampaignCreateSchema,
  CampaignForecastSchema,
  CampaignIdSchema,
  CampaignListSchema,
  CampaignPacingSchema,
  CampaignUpdateSchema,
  type CampaignContactsPage,
  type CampaignDetail,
  type CampaignForecast,
} from '../campaigns';
import { JobIdSchema, JobsListSchema, type JobInfo, type JobsList } from '../jobs';
import {
  QaRunIdSchema,
  QaRunRequestSchema,
  QaRunsSchema,
  QaSuiteSchema,
  QaSuitesSchema,
  type QaRunDetail,
  type QaRunSummary,
  type QaSuiteDetail,
  type QaSuiteSummary,
} from '../qa';
import type { QaScenarioStats } from '../qa-stats';
import {
  RemoveBackupSchema,
  RestoreRequestSchema,
  BackupRequestSchema,
  RetentionSettingsSchema,
  WipeRequestSchema,
  type RetentionRunResult,
  type RetentionSettings,
  type WipeResult,
} from '../data-care';
import { ExportRequestSchema, scopeSubject } from '../reports';
import {
  QaCheckScenarioSchema,
  QaCopySuiteSchema,
  QaSaveScenarioSchema,
  QaScenarioFromCallSchema,
  type QaSaveScenarioResult,
  type QaScenarioFromCallResult,
} from '../qa-edit';
import {
  QaCompareRunsSchema,
  QaCompareSuiteSchema,
  type QaCompareRunsResult,
  type QaCompareSuiteResult,
} from '../qa-compare';
import { QaRescoreSchema, type QaRescoreInfo } from '../qa-rescore';
import {
  AttemptIdSchema,
  RecentCallsSchema,
  TestCallSchema,
  type CallAttemptInfo,
  type CallEventInfo,
  type ConnectionCheck,
  type TelephonyInfo,
  type TestCallResult,
  type TestCallSetup,
} from '../telephony';
import {
  VoicebotRecordingSchema,
  VoicebotSessionIdSchema,
  VoicebotSessionsSchema,
  type VoicebotRecordingAudio,
  type VoicebotSessionDetail,
  type VoicebotSessionSummary,
} from '../voicebot';
import {
  CallingSettingsSchema,
  ExotelSettingsSchema,
  SecretNameSchema,
  SpeechSettingsSchema,
  TunnelSettingsSchema,
  type SettingsView,
} from '../settings';

/**
 * The one Api contract. Preload (IPC), the web bridge and the core handlers are all derived from
 * this object, so they cannot drift: a method exists everywhere or nowhere.
 */
export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res = unknown> {
  readonly request: Req;
  /** Mutating methods append one audit row per successful call. */
  readonly mutating: boolean;
  /** Audit subject for mutating calls. */
  readonly subject?: (req: z.output<Req>) => string;
  /** Request fields replaced by "[redacted]" in the audit payload. */
  readonly redact?: readonly string[];
  /** Phantom: carries the response type. Never set at run time. */
  readonly __response?: Res;
}

const query =
  <Res>() =>
  <Req extends z.ZodType>(request: Req): MethodSpec<Req, Res> => ({ request, mutating: false });

const command =
  <Res>() =>
  <Req extends z.ZodType>(
    request: Req,
    audit: { subject: (req: z.output<Req>) => string; redact?: readonly string[] },
  ): MethodSpec<Req, Res> => ({ request, mutating: true, ...audit });

const Empty = z.object({}).strict();

export interface AppInfo {
  name: string;
  version: string;
  host: 'electron' | 'server' | 'cli';
  dataDir: string;
  databasePath: string;
  actor: string;
  /** This process's promise rejections nobody handled (each logged, the process went on), and uncaught exceptions. */
  processFaults?: { unhandledRejections: number; uncaughtExceptions: number };
}

export const SettingsUpdateSchema = z.discriminatedUnion('section', [
  z.object({ section: z.literal('exotel'), values: ExotelSettingsSchema }).strict(),
  z.object({ section: z.literal('calling'), values: CallingSettingsSchema }).strict(),
  z.object({ section: z.literal('speech'), values: SpeechSettingsSchema }).strict(),
  z.object({ section: z.literal('tunnel'), values: TunnelSettingsSchema }).strict(),
]);

export const SetSecretSchema = z
  .object({
    name: SecretNameSchema,
    /** `null` clears the secret. */
    value: z.string().trim().min(1, 'Empty secret: use clear instead').max(4096).nullable(),
  })
  .strict();

/** The Audit page's filters (see AuditFilter); times are ISO-8601 instants, stored as UTC. */
export const AuditFilterSchema = z
  .object({
    actor: z.string().min(1).max(200).optional(),
    action: z.string().min(1).max(200).optional(),
    subject: z.string().max(300).optional(),
    from: z.iso
      .datetime({ offset: true })
      .transform((t) => new Date(t).toISOString())
      .optional(),
    to: z.iso
      .datetime({ offset: true })
      .transform((t) => new Date(t).toISOString())
      .optional(),
  })
  .strict();

export const AuditListSchema = AuditFilterSchema.extend({
  /** Newest first; page backwards from this seq (exclusive). */
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
}).strict();

export const contract = {
  app: {
    info: query<AppInfo>()(Empty),
  },
  settings: {
    get: query<SettingsView>()(Empty),
    update: command<SettingsView>()(SettingsUpdateSchema, { subject: (r) => `settings.${r.section}` }),
    setSecret: command<SettingsView>()(SetSecretSchema, {
      subject: (r) => `secret.${r.name}`,
      redact: ['value'],
    }),
  },
  audit: {
    list: query<AuditPage>()(AuditListSchema),
    verify: query<AuditVerifyResult>()(Empty),
    /** The actors and actions the log holds (the filters' choices). */
    facets: query<AuditFacets>()(Empty),
    /** The filtered slice as CSV (summary and raw payload per row, formula cells neutralised). */
    exportCsv: command<{ rows: number; artifact: ArtifactRef }>()(AuditFilterSchema, {
      subject: () => 'audit',
    }),
  },
  contacts: {
    /** Reads the head of a staged file: format, headers, first rows, guessed mapping. */
    preview: query<ImportPreview>()(PreviewRequestSchema),
    /** Starts an import in the background; progress and the outcome arrive as events. */
    startImport: command<{ importId: string }>()(StartImportSchema, { subject: (r) => `list:${r.listName}` }),
    cancelImport: command<{ cancelled: boolean }>()(ImportIdSchema, {
      subject: (r) => `import:${r.importId}`,
    }),
    lists: query<ListSummary[]>()(Empty),
    list: query<ListSummary>()(ListIdSchema),
    contacts: query<ContactsPage>()(ContactsPageSchema),
    rejectCsv: query<RejectCsv>()(ListIdSchema),
    deleteList: command<{ deleted: boolean }>()(ListIdSchema, { subject: (r) => `list:${r.listId}` }),
  },
  telephony: {
    /** Provider in use, the public surface's URLs (local and through the tunnel), tunnel state. */
    info: query<TelephonyInfo>()(Empty),
    /** Checks the credentials against Exotel (or the sandbox when no account is set). */
    testConnection: query<ConnectionCheck>()(Empty),
    placeTestCall: command<TestCallResult>()(TestCallSchema, { subject: (r) => `test-call:${r.number}` }),
    /** The test-call form's variables, prefilled with the bot's example values. */
    /** The test-call form for a bot (its variables, prefilled with its examples); default: the default bot. */
    testCallSetup: query<TestCallSetup>()(TestCallSetupSchema),
    recentCalls: query<CallAttemptInfo[]>()(RecentCallsSchema),
    callEvents: query<CallEventInfo[]>()(AttemptIdSchema),
  },
  calls: {
    /** The dashboard's aggregates over every call or one campaign's. */
    stats: query<CallStats>()(CallStatsRequestSchema),
    /** The live board's rows (newest first), or the named attempts' rows. */
    board: query<BoardCall[]>()(CallBoardRequestSchema),
  },
  campaigns: {
    /** A draft from a list (or selected contacts of it) and a bot; the window override is audited. */
    create: command<CampaignDetail>()(CampaignCreateSchema, { subject: (r) => `list:${r.listId}` }),
    /** Changes a draft (only a draft). */
    update: command<CampaignDetail>()(CampaignUpdateSchema, { subject: (r) => `campaign:${r.campaignId}` }),
    /** draft -> scheduled: the dialer starts it at its start time. */
    schedule: command<CampaignDetail>()(CampaignIdSchema, { subject: (r) => `campaign:${r.campaignId}` }),
    /** draft | scheduled -> running, now (refused when this host runs no dialer). */
    start: command<CampaignDetail>()(CampaignIdSchema, { subject: (r) => `campaign:${r.campaignId}` }),
    pause: command<CampaignDetail>()(CampaignIdSchema, { subject: (r) => `campaign:${r.campaignId}` }),
    resume: command<CampaignDetail>()(CampaignIdSchema, { subject: (r) => `campaign:${r.campaignId}` }),
    cancel: command<CampaignDetail>()(CampaignIdSchema, { subject: (r) => `campaign:${r.campaignId}` }),
    /** New pacing, also while running (never above the account's calls-per-minute limit). */
    setPacing: command<CampaignDetail>()(CampaignPacingSchema, {
      subject: (r) => `campaign:${r.campaignId}`,
    }),
    /** The contact is not dialled again in this campaign. */
    skipContact: command<CampaignDetail>()(CampaignContactActionSchema, {
      subject: (r) => `campaign:${r.campaignId}`,
    }),
    /** The contact is dialled once more, as soon as pacing and the window allow. */
    retryContact: command<CampaignDetail>()(CampaignContactActionSchema, {
      subject: (r) => `campaign:${r.campaignId}`,
    }),
    /** Newest first, with counters by contact status and attempt outcome. */
    list: query<CampaignDetail[]>()(CampaignListSchema),
    get: query<CampaignDetail>()(CampaignIdSchema),
    /** When it will finish, call minutes, retries, who is left unreached: before start and live. */
    forecast: query<CampaignForecast>()(CampaignForecastSchema),
    /** The queue, paged in order, each contact with its latest attempt (number, outcome, disposition, flags). */
    contacts: query<CampaignContactsPage>()(CampaignContactsSchema),
  },
  tunnel: {
    start: command<TelephonyInfo>()(Empty, { subject: () => 'tunnel' }),
    stop: command<TelephonyInfo>()(Empty, { subject: () => 'tunnel' }),
    health: query<{ ok: boolean; detail: string }>()(Empty),
  },
  voicebot: {
    /** The bots calls may name (bundled and the user's bots folder, re-read), and the files that are broken. */
    bots: query<BotsView>()(Empty),
    /** Recent voicebot sessions, newest first (optionally one call attempt's). */
    sessions: query<VoicebotSessionSummary[]>()(VoicebotSessionsSchema),
    /** One session's transcript, per-turn latencies and recording files. */
    session: query<VoicebotSessionDetail>()(VoicebotSessionIdSchema),
    /** One channel of a session's recording, to play in the app. */
    recording: query<VoicebotRecordingAudio>()(VoicebotRecordingSchema),
  },
  jobs: {
    /** Running jobs, then recently finished ones (newest first): what the Jobs tray shows. */
    list: query<JobsList>()(JobsListSchema),
    get: query<JobInfo>()(JobIdSchema),
    /** Asks a running job to stop; `job.updated` says when it has (state `cancelled`). */
    cancel: command<{ cancelled: boolean }>()(JobIdSchema, { subject: (r) => `job:${r.jobId}` }),
  },
  qa: {
    /** The suites in resources/qa, the data folder's qa/suites and the folders given. */
    suites: query<{ suites: QaSuiteSummary[] }>()(QaSuitesSchema),
    /** A suite's scenarios, each with its text and its problems (file, line, field). */
    suite: query<QaSuiteDetail>()(QaSuiteSchema),
    /** Starts a suite run as a job; `qa.updated` and `job.updated` follow it. */
    run: command<{ runId: string; jobId: string }>()(QaRunRequestSchema, {
      subject: (r) => `qa_suite:${r.dir}`,
    }),
    runs: query<{ runs: QaRunSummary[] }>()(QaRunsSchema),
    /** A run with every scenario run: turns, verdicts, failures and both channels' artifact ids. */
    runDetail: query<QaRunDetail>()(QaRunIdSchema),
    /** Per scenario × caller of a run: pass@k, pass^k, the pass rate's 95% interval, flaky. */
    runStats: query<QaScenarioStats[]>()(QaRunIdSchema),
    /** Two scenario runs turn by turn: what the bot said (word diff), latency and verdict differences. */
    compareRuns: query<QaCompareRunsResult>()(QaCompareRunsSchema),
    /** A suite run against a baseline run: regressions, fixes, scenarios missing from either. */
    compareSuite: query<QaCompareSuiteResult>()(QaCompareSuiteSchema),
    /**
     * Scores a finished run again (its recorded audio and turns) with the current evaluator, judge
     * and scenario files; the new verdicts are kept beside the old, never over them.
     */
    rescore: command<QaRescoreInfo>()(QaRescoreSchema, { subject: (r) => `qa_run:${r.runId}` }),
    /** A run's re-scores, newest first, each with what changed against the run's own verdicts. */
    rescores: query<{ rescores: QaRescoreInfo[] }>()(QaRescoreSchema),
    /** Checks a scenario's text as typed (nothing written); saveScenario writes it only when valid. */
    checkScenario: query<QaSaveScenarioResult>()(QaCheckScenarioSchema),
    /**
     * Drafts a recorded call as a scenario in a suite folder: its caller recording as the human caller
     * (human.session), one step per caller turn, expecting what the bot said on the call.
     */
    scenarioFromCall: command<QaScenarioFromCallResult>()(QaScenarioFromCallSchema, {
      subject: (r) => `voicebot_session:${r.sessionId}`,
    }),
    saveScenario: command<QaSaveScenarioResult>()(QaSaveScenarioSchema, {
      subject: (r) => `qa_scenario:${r.dir}/${r.file}`,
    }),
    /** Copies a suite (scenarios and recordings) into the user's suites as a new one to edit. */
    copySuite: command<QaSuiteDetail>()(QaCopySuiteSchema, { subject: (r) => `qa_suite:${r.name}` }),
  },
  data: {
    /** Backs up the data folder while the app runs, as a job; its result names the archive (an artifact). */
    backup: command<{ jobId: string }>()(BackupRequestSchema, {
      subject: () => 'data',
      redact: ['passphrase'],
    }),
    /** Days kept per class (recordings, transcripts, call records); null keeps them. */
    retention: query<RetentionSettings>()(Empty),
    setRetention: command<RetentionSettings>()(RetentionSettingsSchema, { subject: () => 'data.retention' }),
    /** Applies retention now (the app also applies it at start and daily): one audit row per class that is on. */
    runRetention: command<RetentionRunResult>()(Empty, { subject: () => 'data.retention' }),
    /** Removes the data (contacts, calls, campaigns, recordings, QA runs, backups); audited first. Asks for the typed word. */
    wipe: command<WipeResult>()(WipeRequestSchema, { subject: () => 'data' }),
    /** Removes a backup archive from the data folder (after it was downloaded or copied out). */
    removeBackup: command<{ removed: boolean }>()(RemoveBackupSchema, {
      subject: (r) => `artifact:${r.artifactId}`,
    }),
    /** This install's backup archives still in its data folder, newest first (to restore one of them). */
    backups: query<ArtifactRef[]>()(Empty),
    /**
     * Restores a backup (uploaded, or one of this install's) into a new, empty folder on this
     * computer, as `calldeck restore` does, as a job; refused at once for a target that is not
     * empty, not writable or inside this data folder.
     */
    restore: command<{ jobId: string }>()(RestoreRequestSchema, {
      subject: () => 'data',
      redact: ['passphrase'],
    }),
  },
  reports: {
    /** Starts an export (XLSX, CSV, …) of a campaign, a QA run or a date range as a job; its result names the file's artifact. */
    export: command<{ jobId: string }>()(ExportRequestSchema, { subject: (r) => scopeSubject(r.scope) }),
  },
  dnc: {
    list: query<{ entries: DncEntry[]; total: number }>()(DncListSchema),
    add: command<DncChange>()(DncAddSchema, { subject: () => 'dnc' }),
    remove: command<{ removed: string[] }>()(DncRemoveSchema, { subject: () => 'dnc' }),
    importFile: command<DncChange & { rows: number; rejects: RowReject[] }>()(DncImportSchema, {
      subject: () => 'dnc',
    }),
  },
} as const;

export type Contract = typeof contract;
export type Domain = keyof Contract;
export type MethodName<D extends Domain> = keyof Contract[D] & string;
export type Spec<D extends Domain, M extends MethodName<D>> = Contract[D][M];
export type RequestIn<S> = S extends MethodSpec<infer R, unknown> ? z.input<R> : never;
export type RequestOut<S> = S extends MethodSpec<infer R, unknown> ? z.output<R> : never;
export type ResponseOf<S> = S extends MethodSpec<z.ZodType, infer Res> ? Res : never;

/** `domain.method`, the channel name on every transport. */
export type Channel = { [D in Domain]: `${D}.${MethodName<D>}` }[Domain];

export interface ChannelEntry {
  channel: Channel;
  domain: Domain;
  method: string;
  spec: MethodSpec;
}

/** Every method of the contract, flattened. */
export function listChannels(): ChannelEntry[] {
  const out: ChannelEntry[] = [];
  for (const domain of Object.keys(contract) as Domain[]) {
    const methods = contract[domain] as Record<string, MethodSpec>;
    for (const [method, spec] of Object.entries(methods)) {
      out.push({ channel: `${domain}.${method}` as Channel, domain, method, spec });
    }
  }
  return out;
}
