import { ApiError } from '../../../../shared/api/errors';
import type { Handlers } from '../../api';
import { JobError } from '../../jobs';
import {
  checkScenarioFile,
  compareRuns,
  copySuiteFolder,
  compareSuite,
  listSuites,
  loadSuite,
  saveScenarioFile,
  RescoreError,
  ScenarioFileError,
  sourceOf,
  SuiteError,
  summariseRuns,
  toComparable,
} from '../../qa';
import type { QaWiring } from '../qa';

/** Suite and job errors as the Api's typed errors. */
async function asQaApi<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SuiteError) throw new ApiError({ code: 'not_found', message: err.message });
    if (err instanceof ScenarioFileError)
      throw new ApiError({ code: 'invalid_request', message: err.message });
    if (err instanceof JobError) throw new ApiError({ code: 'invalid_request', message: err.message });
    if (err instanceof RescoreError) {
      const code = err.kind === 'not_found' ? 'not_found' : 'invalid_request';
      throw new ApiError({ code, message: err.message });
    }
    throw err;
  }
}

/** The QA Api: suites from their folders, runs through the runner's job. */
export function qaHandlers(qa: QaWiring): Handlers['qa'] {
  return {
    suites: (req) => asQaApi(async () => ({ suites: await listSuites(qa.roots, req.dirs) })),
    suite: (req) => asQaApi(async () => (await loadSuite(req.dir, sourceOf(req.dir, qa.roots))).detail),
    run: (req, { actor }) => asQaApi(() => qa.runner.start(req, actor)),
    runs: (req) => Promise.resolve({ runs: qa.runner.runs(req.limit) }),
    checkScenario: (req) => asQaApi(() => checkScenarioFile(req)),
    saveScenario: (req) =>
      asQaApi(async () => {
        // Bundled suites ship with the app (read-only when installed): copy one to edit it.
        if (sourceOf(req.dir, qa.roots) === 'bundled') {
          throw new ApiError({
            code: 'invalid_request',
            message: `${req.dir} is a bundled suite: it cannot be edited`,
          });
        }
        return saveScenarioFile(req);
      }),
    copySuite: (req) =>
      asQaApi(async () => {
        const root = qa.roots.find((r) => r.source === 'user');
        if (!root) throw new ApiError({ code: 'unavailable', message: 'no folder for your own suites here' });
        await loadSuite(req.dir, sourceOf(req.dir, qa.roots)); // names a folder that is not there
        return (
          await loadSuite(
            await copySuiteFolder(
              req.dir,
              qa.roots.map((r) => r.dir),
              root.dir,
              req.name.trim(),
            ),
            'user',
          )
        ).detail;
      }),
    runStats: (req) => {
      const detail = qa.runner.detail(req.runId);
      if (!detail) throw new ApiError({ code: 'not_found', message: `No QA run ${req.runId}` });
      return summariseRuns(detail.scenarios);
    },
    scenarioFromCall: (req) => asQaApi(() => qa.scenarioFromCall(req)),
    rescore: (req, { actor }) => asQaApi(() => qa.runner.rescore(req.runId, actor)),
    rescores: (req) => {
      if (!qa.runner.summary(req.runId))
        throw new ApiError({ code: 'not_found', message: `No QA run ${req.runId}` });
      return { rescores: qa.runner.rescores(req.runId) };
    },
    compareRuns: (req) => {
      const a = qa.runner.scenarioRun(req.a);
      const b = qa.runner.scenarioRun(req.b);
      const missing = !a ? req.a : !b ? req.b : null;
      if (!a || !b) throw new ApiError({ code: 'not_found', message: `No QA scenario run ${missing}` });
      return { a, b, comparison: compareRuns(toComparable(a), toComparable(b)) };
    },
    compareSuite: (req) => {
      const current = qa.runner.detail(req.runId);
      const baseline = qa.runner.detail(req.baselineRunId);
      if (!current) throw new ApiError({ code: 'not_found', message: `No QA run ${req.runId}` });
      if (!baseline) throw new ApiError({ code: 'not_found', message: `No QA run ${req.baselineRunId}` });
      const { scenarios: cs, ...currentSummary } = current;
      const { scenarios: bs, ...baselineSummary } = baseline;
      return {
        baseline: baselineSummary,
        current: currentSummary,
        comparison: compareSuite(bs.map(toComparable), cs.map(toComparable)),
      };
    },
    runDetail: (req) => {
      const detail = qa.runner.detail(req.runId);
      if (!detail) throw new ApiError({ code: 'not_found', message: `No QA run ${req.runId}` });
      return detail;
    },
  };
}
