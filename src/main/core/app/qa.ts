import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { QaScenarioFromCallRequest, QaScenarioFromCallResult } from '../../../shared/qa-edit';
import type { QaUpdatedEvent } from '../../../shared/qa';
import type { Artifacts } from '../artifacts';
import type { JobEngine } from '../jobs';
import type { Logger } from '../logging';
import {
  judgeFromSpeechConfig,
  QaRunner,
  saveScenarioFile,
  scenarioFileForCall,
  scenarioFromCall,
  sourceOf,
  type SuiteRoot,
} from '../qa';
import type { SettingsService } from '../settings';
import { CallsRepository, QaRepository, VoicebotRepository, type Db } from '../store';
import {
  BOTS_DIR,
  BotRegistry,
  DEFAULT_BOT_ID,
  speechConfigFromSettings,
  type SessionSpeech,
} from '../voicebot';

export interface QaWiring {
  runner: QaRunner;
  roots: SuiteRoot[];
  /** Drafts a recorded call as a scenario (human caller from its recording) in a suite folder. */
  scenarioFromCall(req: QaScenarioFromCallRequest): Promise<QaScenarioFromCallResult>;
}

/** Where scenarios made from calls go when no suite is chosen. */
export const RECORDED_CALLS_SUITE = path.join('qa', 'suites', 'recorded-calls');

export interface QaWiringOptions {
  db: Db;
  jobs: JobEngine;
  dataDir: string;
  resourcesDir: () => string;
  botFile?: string;
  log: Logger;
  artifacts: () => Artifacts;
  speech: () => Promise<SessionSpeech>;
  /** The voicebot's registry when this host runs one. */
  bots: () => BotRegistry | undefined;
  emit: (e: QaUpdatedEvent) => void;
  /** The speech settings' LLM is the judge (at temperature 0); without one, judge criteria have no verdict. */
  settings?: SettingsService;
}

/**
 * The QA runner for every host: its job kind is registered before jobs recover. A host without a
 * voicebot (the `calldeck qa` command) loads the bots on first use: the one --bot-file, or the
 * bundled and the user's bots, as the voicebot would.
 */
export function createQa(o: QaWiringOptions): QaWiring {
  let own: Promise<BotRegistry> | undefined;
  const bots = async () => {
    const live = o.bots();
    if (live) return live;
    own ??= o.botFile
      ? BotRegistry.fromFile(o.botFile, o.log.child('bots'))
      : BotRegistry.load({
          bundledDir: path.join(o.resourcesDir(), BOTS_DIR),
          userDir: path.join(o.dataDir, BOTS_DIR),
          defaultBotId: DEFAULT_BOT_ID,
          log: o.log.child('bots'),
        });
    return own;
  };
  const voicebotRecords = new VoicebotRepository(o.db);
  const runner = new QaRunner({
    repo: new QaRepository(o.db),
    jobs: o.jobs,
    dataDir: o.dataDir,
    log: o.log,
    artifacts: o.artifacts,
    speech: o.speech,
    bots,
    emit: o.emit,
    judge: () => {
      const settings = o.settings;
      if (!settings) return undefined;
      return judgeFromSpeechConfig(
        speechConfigFromSettings(settings.get().speech),
        settings.secret('speech.apiKey'),
        o.log.child('judge'),
      );
    },
    sessionCallerWav: (id) => voicebotRecords.recordings(id)?.caller ?? null,
  });
  const calls = new CallsRepository(o.db);
  const roots = () => [
    { dir: path.join(o.resourcesDir(), 'qa'), source: 'bundled' as const },
    { dir: path.join(o.dataDir, 'qa', 'suites'), source: 'user' as const },
  ];
  const scenarioFromCallFile = async (req: QaScenarioFromCallRequest): Promise<QaScenarioFromCallResult> => {
    const session = voicebotRecords.getSession(req.sessionId);
    if (!session) throw new ApiError({ code: 'not_found', message: `No voicebot session ${req.sessionId}` });
    const wav = voicebotRecords.recordings(session.id)?.caller;
    if (!wav || !fs.existsSync(wav))
      throw new ApiError({
        code: 'invalid_request',
        message: `The call ${session.id} has no caller recording`,
      });
    const fallback = path.join(o.dataDir, RECORDED_CALLS_SUITE);
    const dir = req.dir ?? fallback;
    if (sourceOf(dir, roots()) === 'bundled')
      throw new ApiError({
        code: 'invalid_request',
        message: `${dir} is a bundled suite: it cannot be edited`,
      });
    const contactId = session.attemptId ? calls.getAttempt(session.attemptId)?.contactId : null;
    const text = scenarioFromCall({
      sessionId: session.id,
      botId: session.botId,
      startedAt: session.startedAt,
      endReason: session.endReason,
      disposition: session.disposition,
      transfer: session.transfer,
      lines: voicebotRecords.lines(session.id),
      variables: contactId ? (voicebotRecords.contactVariables(contactId) ?? null) : null,
    });
    // A second draft of the same call gets the next free name.
    const base = scenarioFileForCall({ sessionId: session.id, startedAt: session.startedAt }).replace(
      /\.yaml$/,
      '',
    );
    let file = `${base}.yaml`;
    for (let n = 2; fs.existsSync(path.join(dir, file)); n++) file = `${base}-${n}.yaml`;
    const saved = await saveScenarioFile({ dir, file, text, create: true, startSuite: dir === fallback });
    if (!saved.saved || !saved.item)
      throw new Error(
        `the draft of ${session.id} is not a valid scenario: ${JSON.stringify(saved.problems)}`,
      );
    return { dir, file, item: saved.item };
  };
  return {
    runner,
    scenarioFromCall: scenarioFromCallFile,
    get roots() {
      return roots();
    },
  };
}
