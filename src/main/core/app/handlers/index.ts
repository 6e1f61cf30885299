import type { AppInfo } from '../../../../shared/api/contract';
import { ApiError } from '../../../../shared/api/errors';
import type { Handlers, EventBus } from '../../api';
import type { Artifacts } from '../../artifacts';
import type { ContactsService } from '../../contacts';
import type { StagedFiles } from '../../files';
import { processFaultCounts } from '../../logging';
import type { AuditLog } from '../../reports';
import type { SettingsService } from '../../settings';
import type { Telephony } from '../telephony';
import type { CallBoardQuery, CallStatsQuery } from '../../calls';
import { UnknownBotError, type BotRegistry, type VoicebotRecords } from '../../voicebot';
import { asApi, asPhoneApi } from './errors';
import { testCallSetup } from './test-call-setup';
import type { JobEngine } from '../../jobs';
import type { ImportJobs } from './import-jobs';
import { rejectFileArtifact, removeListFiles } from './reject-file';
import { campaignHandlers, type CampaignHandlerDeps } from './campaigns';
import { reportsHandlers } from './reports';
import type { ExportJobs } from '../../reports';
import { dataHandlers, type DataCareDeps } from './data-care';
import { auditHandlers } from './audit';
import type { AuditQuery } from '../../store';

export { ImportJobs } from './import-jobs';
import { qaHandlers } from './qa';
import type { QaWiring } from '../qa';

export interface HandlerDeps {
  info: AppInfo;
  settings: SettingsService;
  audit: AuditLog;
  /** The audit log's filtered reads (the Audit page, its export). */
  auditQuery: AuditQuery;
  events: EventBus;
  contacts: ContactsService;
  imports: ImportJobs;
  jobs: JobEngine;
  files: StagedFiles;
  phone: Telephony;
  voicebot: VoicebotRecords;
  /** The bots calls may name (a test call's form shows one's variables); undefined: no voicebot runs. */
  bots: () => BotRegistry | undefined;
  artifacts: Artifacts;
  callStats: CallStatsQuery;
  callBoard: CallBoardQuery;
  /** Campaigns: the model and, when this host dials, the dialer. */
  campaigns: Omit<CampaignHandlerDeps, 'events' | 'botVariables'>;
  /** QA suites and runs. */
  qa: QaWiring;
  /** Exports as jobs. */
  exports: ExportJobs;
  /** Backups, retention and wipe of the data folder. */
  dataCare: DataCareDeps;
}

/** The core's Api implementation: each method delegates to its domain's service. */
export function createHandlers({
  info,
  settings,
  audit,
  auditQuery,
  events,
  contacts,
  imports,
  jobs,
  files,
  phone,
  voicebot,
  bots,
  artifacts,
  callStats,
  callBoard,
  campaigns,
  qa,
  dataCare,
  exports,
}: HandlerDeps): Handlers {
  /** The bot named (or the default one); an unknown id is the caller's mistake, named in the error. */
  const botNamed = (id: string | undefined) => {
    try {
      return bots()?.resolve(id);
    } catch (err) {
      if (err instanceof UnknownBotError)
        throw new ApiError({ code: 'invalid_request', message: err.message });
      throw err;
    }
  };
  const region = (r?: string) => r ?? settings.get().calling.defaultRegion;
  return {
    app: {
      info: () => ({ ...info, processFaults: processFaultCounts() }),
    },
    settings: {
      get: () => settings.view(),
      update: (req, { audit }) => {
        const view = settings.update(req.section, req.values, audit);
        events.emit('settings.changed', view);
        return view;
      },
      setSecret: (req) => {
        const view = settings.setSecret(req.name, req.value);
        events.emit('settings.changed', view);
        return view;
      },
    },
    audit: auditHandlers({ audit, query: auditQuery, campaigns: campaigns.campaigns, contacts, artifacts }),
    contacts: {
      preview: (req) =>
        asApi(() => {
          const file = files.resolve(req.fileId);
          return contacts.preview({
            file: file.path,
            sheet: req.sheet,
            headerRow: req.headerRow,
            region: region(req.region),
          });
        }),
      startImport: (req, { audit, actor }) =>
        asApi(() => imports.start({ ...req, region: region(req.region) }, audit, actor)),
      cancelImport: (req, { actor }) => imports.cancel(req.importId, actor),
      lists: () => contacts.lists(),
      list: (req) => asApi(() => contacts.list(req.listId)),
      contacts: (req) => asApi(() => contacts.contacts(req)),
      rejectCsv: (req) => asApi(() => rejectFileArtifact(contacts, artifacts, req.listId)),
      deleteList: (req, { audit }) =>
        asApi(async () => {
          // A campaign still to run reads its contacts' variables from the list: it goes first.
          const using = campaigns.campaigns
            .list(['scheduled', 'running', 'paused'])
            .find((c) => c.listId === req.listId);
          if (using)
            throw new ApiError({
              code: 'conflict',
              message: `The list is used by campaign "${using.name}" (${using.state}): cancel it or let it finish first`,
            });
          contacts.deleteList(req.listId, audit);
          // Its reject files hold the list's rows: they go with it.
          await removeListFiles(artifacts, req.listId);
          events.emit('contacts.listsChanged', {});
          return { deleted: true };
        }),
    },
    telephony: {
      info: () => phone.info(),
      testConnection: () => phone.testConnection(),
      placeTestCall: async (req, { audit }) => {
        // An unknown bot is refused before anything is dialled.
        const bot = req.bot === undefined ? undefined : botNamed(req.bot)?.id;
        const placed = await asPhoneApi(() =>
          phone.placeTestCall({
            number: req.number,
            mode: req.mode,
            region: region(),
            variables: req.variables,
            bot,
          }),
        );
        // The row names the call it placed: an export's operator column finds who placed it exactly.
        return audit.commit(() => placed, { detail: (r) => ({ attemptId: r.attempt.id }) });
      },
      testCallSetup: (req) => testCallSetup(botNamed(req.bot)),
      recentCalls: (req) => phone.recentCalls(req.limit),
      callEvents: (req) =>
        asPhoneApi(() => {
          const events = phone.callEvents(req.attemptId);
          if (!events) throw new ApiError({ code: 'not_found', message: `No call ${req.attemptId}` });
          return events;
        }),
    },
    voicebot: {
      bots: async () => {
        const registry = bots();
        if (!registry) return { bots: [], problems: [], defaultBotId: null, userDir: '' };
        await registry.reload(); // a file added or fixed since shows up
        return registry.view();
      },
      sessions: (req) => voicebot.sessions({ limit: req.limit, attemptId: req.attemptId }),
      session: (req) => {
        const detail = voicebot.session(req.id);
        if (!detail) throw new ApiError({ code: 'not_found', message: `No voicebot session ${req.id}` });
        return detail;
      },
      recording: async (req) => {
        const result = await voicebot.recording(req.sessionId, req.channel);
        if (result.ok) return result.audio;
        throw new ApiError({ code: result.code, message: result.message });
      },
    },
    calls: {
      stats: (req) => callStats.stats(req.campaignId),
      board: (req) => callBoard.rows(req),
    },
    qa: qaHandlers(qa),
    reports: reportsHandlers(exports),
    campaigns: campaignHandlers({
      ...campaigns,
      events,
      // Checked when this host knows the bots (a data tool's core does not: the dialer checks at dial time).
      // The variables every call needs a value for: required and without a default.
      botVariables: (id) =>
        Object.entries(botNamed(id)?.variables ?? {})
          .filter(([, spec]) => spec.default === undefined && (spec.required ?? true))
          .map(([name]) => name),
    }),
    tunnel: {
      start: async () => {
        const view = await phone.startTunnel();
        events.emit('telephony.changed', view);
        return view;
      },
      stop: async () => {
        const view = await phone.stopTunnel();
        events.emit('telephony.changed', view);
        return view;
      },
      health: () => phone.tunnelHealth(),
    },
    data: dataHandlers(dataCare),
    jobs: {
      list: (req) => jobs.list(req),
      get: (req) => {
        const job = jobs.get(req.jobId);
        if (!job) throw new ApiError({ code: 'not_found', message: `No job ${req.jobId}` });
        return job;
      },
      cancel: (req, { actor }) => ({ cancelled: jobs.cancel(req.jobId, actor) }),
    },
    dnc: {
      list: (req) => contacts.dnc.list(req.afterPhone, req.limit),
      add: (req, { audit }) =>
        asApi(() => {
          const change = contacts.dnc.add({ ...req, region: region(req.region) }, audit);
          events.emit('dnc.changed', {});
          events.emit('contacts.listsChanged', {});
          return change;
        }),
      remove: (req, { audit }) =>
        asApi(() => {
          const change = contacts.dnc.remove(req.phones, audit, region(req.region));
          events.emit('dnc.changed', {});
          events.emit('contacts.listsChanged', {});
          return change;
        }),
      importFile: (req, { audit }) =>
        asApi(async () => {
          const file = files.resolve(req.fileId);
          const change = await contacts.dnc.importFile(
            {
              file: file.path,
              fileName: file.name,
              sheet: req.sheet,
              column: req.column,
              note: req.note,
              region: region(req.region),
            },
            audit,
          );
          events.emit('dnc.changed', {});
          events.emit('contacts.listsChanged', {});
          return change;
        }),
    },
  };
}
