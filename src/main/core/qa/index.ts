/** QA: scenarios, callers, the runner and its records. Uses voicebot (media port, bots), stream, speech. */
export { formatField, formatProblem, parseScenario, type ScenarioParse } from './scenario/parse-scenario';
export {
  loadSuite,
  scenarioFiles,
  SuiteError,
  type LoadedScenario,
  type LoadedSuite,
} from './scenario/suite-loader';
export { BotWork } from './callers/bot-work';
export { CallerAudioError, loadClip, SpeechCache } from './callers/caller-audio';
export {
  runConversation,
  type BotLine,
  type BotOutcome,
  type CallerAction,
  type CallerScript,
  type CallerView,
  type ConversationOptions,
  type ConversationRecord,
} from './callers/conversation';
export { connectBotUrl, startLocalBot, type LocalBotOptions } from './callers/local-bot';
export {
  humanDir,
  humanStepFile,
  scriptedCaller,
  type ScriptedCallerOptions,
} from './callers/scripted-caller';
export {
  QaRunner,
  QA_JOB_KIND,
  planRuns,
  type QaRunInput,
  type QaRunResult,
  type QaRunnerDeps,
} from './runner/qa-runner';
export { runOne, type BotTarget, type OneRun, type OneRunResult } from './runner/one-run';
export { RescoreError } from './runner/rescore';
export { scenarioVariables, scenarioRunSeed } from './runner/seeded';
export { listSuites, sourceOf, type SuiteRoot } from './scenario/suites-index';
export {
  checkScenarioFile,
  copySuiteFolder,
  saveScenarioFile,
  ScenarioFileError,
  type SaveScenarioInput,
} from './suite-files';
export { junitXml, failureLines, caseName, problemLine } from './report/junit';
export { htmlReport } from './report/html';
export {
  compareRuns,
  compareSuite,
  summariseRuns,
  toComparable,
  type RunComparison,
  type SuiteComparison,
} from './stats';
export { splitCallerTurns } from './callers/recorded-call';
export { callerEffects } from './callers/effects';
export { judgeFromSpeechConfig, JUDGE_PROMPT_VERSION, type Judge } from './evaluator';
export { scenarioFromCall, scenarioFileForCall, type RecordedCall } from './scenario/from-call';
