import path from 'node:path';
import type { AppInfo } from '../../../shared/api/contract';
import type { ApiResult } from '../../../shared/api/errors';
import type { ApiEvents, SequencedEvent } from '../../../shared/api/events';
import type { StagedFile } from '../../../shared/files';
import type { Readable } from 'node:stream';
import { Artifacts, serveArtifact, type ArtifactRequest, type ArtifactResponse } from '../artifacts';
import {
  Dispatcher,
  EventBus,
  flattenHandlers,
  type CallContext,
  type EventListener,
  type EventPosition,
} from '../api';
import { ContactsService } from '../contacts';
import { BackupJobs, Retention, scheduleRetention, sweepBackupLeftovers } from '../data-care';
import {
  AccountLimiter,
  CampaignsService,
  ScheduledStarts,
  StateFollower,
  type CampaignRunner,
} from '../campaigns';
import { CallBoardQuery, CallStatsQuery } from '../calls';
import { createHandlers, ImportJobs } from './handlers';
import { createExports } from './exports';
import { JobEngine } from '../jobs';
import { DATA_TOOL, FULL_APP, type CoreProfile } from './profile';
import { RestoreJobs, type RestoreHost } from './restore-job';
import { claimLiveHost } from './live-hosts';
import { createQa } from './qa';
import { createCampaignDialer } from './campaign-dialer';
import { startTelephony, telephonyOff, type DialingPort, type Telephony } from './telephony';
import { DATABASE_FILE, LOG_FILE, mkdirPrivate, tightenDataDir } from '../config';
import {
  attachProcessFaultLog,
  createLogger,
  fileSink,
  stderrSink,
  type LogSink,
  type Logger,
} from '../logging';
import { StagedFiles, StagingError } from '../files';
import { AuditTrail, checkAuditInBackground, openAuditLog, type AuditLog, type PdfPrinter } from '../reports';
import { SettingsService, type SecretStore } from '../settings';
import { FliteTts, sweepFliteTemp, type WorkerLauncher } from '../speech';
import {
  ArtifactsRepository,
  AuditQuery,
  CampaignsRepository,
  JobsRepository,
  openDatabase,
  RetentionRepository,
  WipeRepository,
  SettingsRepository,
  VoicebotRepository,
  type AuditScope,
  type Db,
} from '../store';
import type { Speak, TelephonyMode } from '../telephony';
import {
  BOTS_DIR,
  BotRegistry,
  DEFAULT_BOT,
  DEFAULT_BOT_ID,
  findResourcesDir,
  speechConfigFromSettings,
  SpeechSource,
  Voicebot,
  VoicebotRecords,
  type DialogVariables,
  type SessionOptionsInput,
  type VoicebotLimitsInput,
} from '../voicebot';
import type { PublicSurfaceLimitsInput } from '../public-surface';

export interface CoreConfig {
  /** Folder holding the database, logs and (later) recordings. Created if missing. */
  dataDir: string;
  /** Which host runs this core. */
  host: AppInfo['host'];
  /** The host's secret store (keychain, 0600 file, or memory in tests). */
  secrets: SecretStore;
  /** Who acts by default (the OS user running the host). */
  actor: string;
  version: string;
  /** Extra log sinks (tests collect records here). The log file and stderr warnings are always on. */
  logSinks?: LogSink[];
  /** better-sqlite3 addon path for a runtime other than this Node (Electron). */
  nativeBinding?: string;
  /** auto (default): Exotel when its credentials are set, else the in-process sandbox. */
  telephony?: TelephonyMode;
  /** Port of the public surface (callbacks, passthru, voicebot stream); 0 or unset = any free port. */
  publicPort?: number;
  /** The sandbox's callee script (parsed with its schema) and time scale. */
  sandboxScript?: unknown;
  sandboxTimeScale?: number;
  /** The app's resources (bots, sample files). Default: found next to the bundle or the sources. */
  resourcesDir?: string;
  /** The voicebot's bot definition. Default: the demo bot, resources/bots/appointment-reminder.yaml. */
  botFile?: string;
  /** Voicebot session timing (media time) and the variables a call with no contact uses. */
  voicebot?: { session?: SessionOptionsInput; testVariables?: DialogVariables; limits?: VoicebotLimitsInput };
  /** What the public surface accepts (connections, frame size, timeouts); defaults otherwise. */
  publicSurface?: PublicSurfaceLimitsInput;
  /** How speech workers start: Electron passes utility processes (so its RunAsNode fuse can be off). */
  workerLauncher?: WorkerLauncher;
  /** What prints PDF exports: the desktop app registers Electron's printToPDF; default an installed Chromium. */
  pdfPrinter?: PdfPrinter;
  /** Which parts start (default: the whole app); a CLI command starts only what it needs. */
  profile?: CoreProfile;
  /**
   * How this host keeps a restored copy's secrets (Settings › Data › Restore); without it the
   * page's restore is refused and points to `calldeck restore`.
   */
  restoreSecrets?: Pick<RestoreHost, 'auditKey' | 'installSecrets'> & {
    /** The secret store a core on the restored folder uses. */
    store: (dataDir: string) => SecretStore;
  };
}

export interface Core {
  readonly info: AppInfo;
  readonly log: Logger;
  /** Validated, audited call of any contract method. Never throws: failures are values. */
  invoke(channel: string, request: unknown, ctx?: Partial<CallContext>): Promise<ApiResult<unknown>>;
  /** The method names this core implements (the contract test compares them with the hosts'). */
  channels(): string[];
  subscribe(listener: EventListener): () => void;
  /** This core run's event epoch and last event number; `eventsSince` replays what a host missed. */
  eventPosition(): EventPosition;
  eventsSince(from: EventPosition): SequencedEvent[] | undefined;
  /** Stages a file on this machine (Electron: the dropped file's path). */
  stageFile(filePath: string): ApiResult<StagedFile>;
  /** Stages an uploaded file (headless host), streamed to disk and capped at `maxBytes`. */
  stageUpload(body: Readable, name: string, maxBytes: number): Promise<ApiResult<StagedFile>>;
  /** A produced file by id, streamed (hosts serve it: GET /artifacts/<id>, the artifact: protocol). */
  serveArtifact(req: ArtifactRequest): Promise<ArtifactResponse>;
  /**
   * Runs something a host does outside the Api (e.g. a CLI step) on the Api's audit path: `run`
   * commits its change through the scope (one transaction with its row), or the `ok` row is
   * written when it returns; a failure is recorded with its error and rethrown.
   */
  audited<T>(
    action: { action: string; subject: string; request?: unknown; actor?: string },
    run: (scope: AuditScope) => T | Promise<T>,
  ): Promise<T>;
  /** `http://127.0.0.1:PORT/exotel/<secret>/`: the public surface on this machine (null: not started). */
  readonly publicSurfaceUrl: string | null;
  /** `ws://127.0.0.1:PORT/voicebot/<secret>/`: the voicebot's stream route (null: not started). */
  readonly voicebotUrl: string | null;
  stop(): Promise<void>;
}

/** Builds the whole app from one config object. Nothing here imports Electron or the UI. */
export async function createCore(config: CoreConfig): Promise<Core> {
  const profile = config.profile ?? FULL_APP;
  // Before anything writes there: the folder 0700, and what older versions left readable tightened.
  const tightened = tightenDataDir(config.dataDir);
  mkdirPrivate(path.dirname(path.join(config.dataDir, LOG_FILE)));
  const file = fileSink(path.join(config.dataDir, LOG_FILE));
  const log = createLogger([file, stderrSink('warn'), ...(config.logSinks ?? [])], 'info');
  const databasePath = path.join(config.dataDir, DATABASE_FILE);
  let db: Db;
  try {
    db = openDatabase(databasePath, { nativeBinding: config.nativeBinding });
  } catch (err) {
    log.error('cannot open database', { databasePath, err });
    file.close();
    throw err;
  }
  if (tightened > 0) log.info('data folder made private (0700 folders, 0600 files)', { changed: tightened });
  const events = new EventBus(log.child('events'));
  let auditLog: AuditLog;
  try {
    auditLog = openAuditLog(db, config.dataDir, config.secrets, {
      log: log.child('audit'),
      missingKey: profile.missingAuditKey,
    });
  } catch (err) {
    log.error('cannot open the audit log', { err });
    db.close();
    file.close();
    throw err;
  }
  const settings = new SettingsService(new SettingsRepository(db), config.secrets, log.child('settings'));
  const info: AppInfo = {
    name: 'CallDeck',
    version: config.version,
    host: config.host,
    dataDir: config.dataDir,
    databasePath,
    actor: config.actor,
  };
  const files = new StagedFiles(path.join(config.dataDir, 'uploads'));
  // Leftovers of a crashed run (ours only; a running instance's are kept: see sweepLeftovers).
  files.sweep(log.child('files'));
  sweepFliteTemp(log.child('speech'));
  sweepBackupLeftovers(config.dataDir, log.child('data-care'));
  const trail = new AuditTrail(auditLog, (row) => events.emit('audit.appended', row), log.child('audit'));
  const contacts = new ContactsService({
    db,
    log: log.child('contacts'),
    actor: config.actor,
  });
  const jobs = new JobEngine({
    repo: new JobsRepository(db),
    log: log.child('jobs'),
    onUpdate: (job) => events.emit('job.updated', job),
  });
  const imports = new ImportJobs(jobs, contacts, files, events, log.child('imports'), trail);
  // Every kind is registered: jobs a dead process left running are resumed or marked interrupted.
  const campaignsRepo = new CampaignsRepository(db);
  const campaignsService = new CampaignsService({
    repo: campaignsRepo,
    cpmLimit: () => settings.get().calling.callsPerMinuteLimit,
  });
  // One calls-per-minute limit for the account: every running campaign and test call takes from it.
  const accountRate = new AccountLimiter(() => settings.get().calling.callsPerMinuteLimit);
  // The dialer's job kind is registered before jobs recover; its runs wait until telephony is up.
  let dialingPort: DialingPort | null = null;
  let dialingUp: () => void = () => undefined;
  const dialer = createCampaignDialer({
    port: () => dialingPort,
    ready: new Promise<void>((resolve) => (dialingUp = resolve)),
    repo: campaignsRepo,
    service: campaignsService,
    trail,
    voicebotRepo: new VoicebotRepository(db),
    jobs,
    settings,
    events,
    log: log.child('dialer'),
    account: accountRate,
    // The voicebot (built below) synthesises each call's greeting while its phone rings.
    placing: (call) => void voicebot?.prepareCall(call),
  });
  // QA's job kind is registered before jobs recover; what a run needs later is reached through getters.
  const qa = createQa({
    db,
    jobs,
    dataDir: config.dataDir,
    resourcesDir: () => resourcesDir,
    botFile: config.botFile,
    log: log.child('qa'),
    artifacts: () => artifacts,
    speech: () => speech.get(),
    bots: () => (voicebot ? bots : undefined),
    emit: (e) => events.emit('qa.updated', e),
    settings,
  });
  const backups = new BackupJobs(jobs, {
    db,
    dataDir: config.dataDir,
    app: { version: config.version, host: config.host },
    nativeBinding: config.nativeBinding,
    artifacts: () => artifacts,
    trail,
    secrets: config.secrets,
    afterBackup: () => {
      try {
        retention.capBackups('calldeck');
      } catch (err) {
        log.error('the backups cap could not be applied', { err });
      }
    },
  });
  const restoreSecrets = config.restoreSecrets;
  const restores = new RestoreJobs(jobs, {
    dataDir: config.dataDir,
    files,
    artifacts: () => artifacts,
    trail,
    host: restoreSecrets && {
      auditKey: restoreSecrets.auditKey,
      installSecrets: restoreSecrets.installSecrets,
      // The copy's core as `calldeck restore` opens it: the data tool, no port, on the copy's secrets.
      openCore: (dataDir) =>
        createCore({
          dataDir,
          host: config.host,
          secrets: restoreSecrets.store(dataDir),
          actor: config.actor,
          version: config.version,
          nativeBinding: config.nativeBinding,
          profile: DATA_TOOL,
        }),
    },
  });
  const retention = new Retention({
    repo: new RetentionRepository(db),
    settings: new SettingsRepository(db),
    trail,
    dataDir: config.dataDir,
    log: log.child('retention'),
  });
  const exports = createExports({
    jobs,
    trail,
    databasePath,
    nativeBinding: config.nativeBinding,
    dataDir: config.dataDir,
    artifacts: () => artifacts,
    log: log.child('exports'),
    pdfPrinter: config.pdfPrinter,
    db,
    audit: auditLog,
    secrets: config.secrets,
    resourcesDir: () => resourcesDir,
  });
  jobs.recover();
  // The sandbox's callees speak their lines with the offline TTS, so test calls really talk.
  let sandboxTts: FliteTts | undefined;
  const sandboxOn = profile.publicSurface && profile.sandbox && config.telephony !== 'exotel';
  if (sandboxOn) {
    sandboxTts = await FliteTts.load({
      onTtsWorkerExit: (exit) =>
        exit.reason === 'disposed'
          ? log.debug('sandbox flite worker stopped', { exit })
          : log.warn('sandbox flite worker exited', { exit }),
      workerLauncher: config.workerLauncher,
    }).catch((err: unknown) => {
      log.warn('sandbox callees will be silent: flite did not load', { err });
      return undefined;
    });
  }
  const tts = sandboxTts;
  const sandboxSpeak: Speak | undefined = tts
    ? async (text, sampleRate) => (await tts.synthesizeAll(text, { sampleRate })).pcm
    : undefined;
  // What a crash left open is settled only when no other CallDeck takes calls on this folder.
  const liveHost = profile.publicSurface ? claimLiveHost(config.dataDir) : undefined;
  const recover = liveHost?.others.length === 0;
  if (liveHost && !recover)
    log.warn('another CallDeck takes calls on this data folder: the calls it has open are left to it', {
      pids: liveHost.others,
    });
  let phone: Telephony = telephonyOff('this command starts no public surface');
  try {
    if (profile.publicSurface)
      phone = await startTelephony({
        db,
        settings,
        secrets: config.secrets,
        events,
        log: log.child('telephony'),
        mode: sandboxOn ? (config.telephony ?? 'auto') : 'exotel',
        publicPort: config.publicPort,
        publicLimits: config.publicSurface,
        sandboxScript: config.sandboxScript,
        sandboxTimeScale: config.sandboxTimeScale,
        sandboxSpeak,
        recover,
        account: accountRate,
      });
  } catch (err) {
    liveHost?.release();
    log.error('cannot start the public surface', { err });
    sandboxTts?.dispose();
    db.close();
    file.close();
    throw err;
  }
  if (phone.dialing && recover) {
    const port = phone.dialing;
    dialingPort = port;
    // After the calls a crash left open are settled: runs reconcile, then every running campaign resumes.
    void port.recovered.then(() => {
      dialingUp();
      dialer.resumeAll(campaignsRepo.list(['running', 'paused']).map((c) => c.id));
    });
  }
  const voicebotRepo = new VoicebotRepository(db);
  const speech = new SpeechSource({
    current: () => ({
      config: speechConfigFromSettings(settings.get().speech),
      apiKey: settings.secret('speech.apiKey'),
    }),
    log: log.child('speech'),
    workerLauncher: config.workerLauncher,
  });
  const recordingsDir = path.join(config.dataDir, 'recordings');
  const artifacts = new Artifacts(new ArtifactsRepository(db), config.dataDir, log.child('artifacts'));
  const resourcesDir = config.resourcesDir ?? findResourcesDir();
  const botFile = config.botFile ?? path.join(resourcesDir, DEFAULT_BOT);
  let voicebot: Voicebot | undefined;
  let bots: BotRegistry | undefined;
  try {
    if (profile.voicebot && profile.publicSurface) {
      // Each call names its bot: the bundled bots and the user's <data>/bots, or the one file given.
      bots = config.botFile
        ? await BotRegistry.fromFile(config.botFile, log.child('bots'))
        : await BotRegistry.load({
            bundledDir: path.join(resourcesDir, BOTS_DIR),
            userDir: path.join(config.dataDir, BOTS_DIR),
            defaultBotId: DEFAULT_BOT_ID,
            log: log.child('bots'),
          });
      bots.resolve(); // without its default bot the voicebot serves nothing: fail as a bad file does
      voicebot = new Voicebot({
        bot: bots,
        speech: () => speech.get(),
        repo: voicebotRepo,
        recordingsDir,
        log: log.child('voicebot'),
        calls: phone.voicebotCallLink(),
        emit: (event, payload) => events.emit(event, payload),
        session: config.voicebot?.session,
        limits: config.voicebot?.limits,
        testVariables: config.voicebot?.testVariables,
      });
      // Sessions a crash left open are ended (their recordings repaired) before streams come in.
      if (recover) void voicebot.recoverInterrupted();
      phone.setVoicebotHandler(voicebot.handler);
      // Exotel's AnsweredBy=Machine may come after the stream started: the bot stops talking to it.
      const bot = voicebot;
      events.subscribe((event, payload) => {
        if (event !== 'call.updated') return;
        const { attempt } = payload as ApiEvents['call.updated'];
        if (attempt.answeredBy === 'machine' && attempt.endedAt === null) bot.machineAnswered(attempt.id);
      });
    }
  } catch (err) {
    // The rest of the app works without a bot; streams are refused until the file is fixed.
    log.error('voicebot not started: cannot load the bot file', { botFile, err });
    if (profile.voicebotRequired) {
      // `calldeck voicebot` is nothing without its bot: fail with the bot file's error.
      await phone.close();
      liveHost?.release();
      await speech.dispose();
      sandboxTts?.dispose();
      db.close();
      file.close();
      throw err;
    }
  }
  // The dialer runs campaigns only where this process takes the calls (not a data tool, not beside
  // another live CallDeck on the folder): elsewhere start is refused, named.
  const campaignRunner: CampaignRunner | undefined = phone.dialing && recover ? dialer : undefined;
  // Scheduled campaigns start on time where a dialer runs (audited as campaigns.start by 'scheduler').
  const scheduledStarts = new ScheduledStarts({
    campaigns: campaignsService,
    runner: () => campaignRunner,
    audited: (action, run) =>
      trail.run(action, run, (err) => ({
        code: 'internal',
        message: err instanceof Error ? err.message : String(err),
      })),
    announce: (campaign) => events.emit('campaign.updated', { campaign, reason: 'state' }),
    log: log.child('campaigns'),
  });
  // A campaign paused or canceled by another process on this folder (the CLI) is followed here.
  const stateFollower = new StateFollower({
    campaigns: campaignsService,
    runner: () => campaignRunner,
    announce: (campaign) => events.emit('campaign.updated', { campaign, reason: 'state' }),
    log: log.child('campaigns'),
  });
  if (campaignRunner) {
    scheduledStarts.watch();
    stateFollower.watch();
  }
  const dispatcher = new Dispatcher(
    flattenHandlers(
      createHandlers({
        info,
        settings,
        audit: auditLog,
        auditQuery: new AuditQuery(db),
        events,
        contacts,
        imports,
        jobs,
        files,
        phone,
        voicebot: new VoicebotRecords(voicebotRepo, artifacts),
        bots: () => (voicebot ? bots : undefined),
        artifacts,
        callStats: new CallStatsQuery(db),
        callBoard: new CallBoardQuery(db),
        campaigns: { campaigns: campaignsService, repo: campaignsRepo, runner: () => campaignRunner },
        qa,
        exports,
        dataCare: {
          backups,
          restores,
          retention,
          artifacts,
          wipe: {
            repo: new WipeRepository(db),
            dataDir: config.dataDir,
            announce: () => events.emit('contacts.listsChanged', {}),
          },
        },
      }),
    ),
    trail,
    log.child('api'),
  );
  const stagingFailure = (err: unknown): ApiResult<StagedFile> => {
    if (err instanceof StagingError) {
      log.warn('file staging refused', { code: err.code, message: err.message });
      return {
        ok: false,
        error: { code: err.code === 'too_large' ? 'invalid_request' : 'not_found', message: err.message },
      };
    }
    log.error('file staging failed', { err });
    return { ok: false, error: { code: 'internal', message: `Could not receive the file: ${String(err)}` } };
  };
  // The app applies retention at start and daily; a CLI command only when asked (calldeck retention run).
  const stopRetention = profile.publicSurface
    ? scheduleRetention(retention, log.child('retention'))
    : () => undefined;
  // The app walks the whole audit chain at start, in slices; exports then walk only newer rows.
  const stopAuditCheck = profile.publicSurface
    ? checkAuditInBackground(auditLog, log.child('audit'))
    : () => undefined;
  let stopped = false;
  log.info('core started', { host: config.host, dataDir: config.dataDir });
  // While the core runs, this process's unhandled rejections and uncaught exceptions are logged here.
  const detachFaultLog = attachProcessFaultLog(log.child('process'));

  return {
    info,
    log,
    publicSurfaceUrl: phone.exotelBase,
    voicebotUrl: voicebot ? phone.voicebotBase : null,
    invoke: (channel, request, ctx) => {
      if (stopped) {
        return Promise.resolve({
          ok: false,
          error: { code: 'unavailable', message: 'CallDeck is shutting down' },
        });
      }
      return dispatcher.invoke(channel, request, { actor: ctx?.actor ?? config.actor });
    },
    channels: () => dispatcher.channels(),
    subscribe: (listener) => events.subscribe(listener),
    eventPosition: () => events.position(),
    eventsSince: (from) => events.since(from),
    stageFile: (filePath) => {
      try {
        return { ok: true, value: files.registerPath(filePath) };
      } catch (err) {
        return stagingFailure(err);
      }
    },
    serveArtifact: (req) => serveArtifact(artifacts, req, log.child('artifacts')),
    stageUpload: async (body, name, maxBytes) => {
      try {
        return { ok: true, value: await files.registerUpload(body, name, maxBytes) };
      } catch (err) {
        return stagingFailure(err);
      }
    },
    audited: (action, run) =>
      trail.run({ ...action, actor: action.actor ?? config.actor }, run, (err) => ({
        code:
          (err as { code?: unknown }).code === undefined
            ? 'internal'
            : String((err as { code: unknown }).code),
        message: err instanceof Error ? err.message : String(err),
      })),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      stopRetention();
      scheduledStarts.stop();
      stateFollower.stop();
      await jobs.stop();
      await voicebot?.close();
      await phone.close();
      liveHost?.release();
      await speech.dispose();
      sandboxTts?.dispose();
      events.clear();
      files.clear();
      log.info('core stopped');
      detachFaultLog();
      auditLog.flush();
      stopAuditCheck();
      auditLog.close();
      db.close();
      file.close();
    },
  };
}
