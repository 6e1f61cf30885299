/** QA: scenarios, callers, the runner and its records. Uses voicebot (media port, bots), stream, speech. */
export { formatField, formatProblem, parseScenario, type ScenarioParse } from './scenario/parse-scenario';
export {
  loadSuite,
  scenarioFiles,
  SuiteError,
  type LoadedScenario,
  type LoadedSuite,
} from './scenario/suite-loader';
