import { create } from 'zustand';
import type {
  QaRunDetail,
  QaRunRequest,
  QaRunSummary,
  QaScenarioInfo,
  QaScenarioRunInfo,
  QaSuiteDetail,
  QaSuiteSummary,
  QaUpdatedEvent,
} from '../../../shared/qa';
import type { QaCompareRunsResult, QaCompareSuiteResult } from '../../../shared/qa-compare';
import type { QaRescoreInfo } from '../../../shared/qa-rescore';
import type { QaScenarioStats } from '../../../shared/qa-stats';
import { api, errorMessage } from '../api';

/** Two scenario runs at most are compared side by side. */
const COMPARE_MAX = 2;

interface QaState {
  suites: QaSuiteSummary[];
  suite: QaSuiteDetail | null;
  runs: QaRunSummary[];
  run: QaRunDetail | null;
  /** The open run's pass@k, pass^k, intervals and flaky marks, per scenario × caller. */
  stats: QaScenarioStats[];
  /** Live progress of runs, from qa.updated. */
  progress: Record<string, QaUpdatedEvent>;
  /** The scenario runs picked for the side-by-side player (they may come from two suite runs). */
  compare: QaScenarioRunInfo[];
  /** The core's turn-by-turn comparison of the two picked runs. */
  runDiff: QaCompareRunsResult | null;
  /** The open run against a baseline run, with the baseline's scenario runs (to open side by side). */
  baseline: { result: QaCompareSuiteResult; run: QaRunDetail } | null;
  /** A scenario made elsewhere (a recorded call) to open in the editor when the page shows. */
  draft: { dir: string; file: string } | null;
  /** The open run's re-scores, newest first. */
  rescores: QaRescoreInfo[];
  error?: string;
  loadSuites: () => Promise<void>;
  openSuite: (dir: string) => Promise<void>;
  /** A scenario saved from the editor replaces its row. */
  replaceScenario: (item: QaScenarioInfo) => void;
  startRun: (req: QaRunRequest) => Promise<string | null>;
  loadRuns: () => Promise<void>;
  openRun: (runId: string) => Promise<void>;
  toggleCompare: (run: QaScenarioRunInfo) => void;
  setCompare: (runs: QaScenarioRunInfo[]) => void;
  compareWithBaseline: (baselineRunId: string) => Promise<void>;
  clearBaseline: () => void;
  rescoreRun: () => Promise<void>;
  openDraft: (dir: string, file: string) => void;
  takeDraft: () => { dir: string; file: string } | null;
  dismissError: () => void;
}

export const useQaStore = create<QaState>((set, get) => ({
  suites: [],
  suite: null,
  runs: [],
  run: null,
  stats: [],
  progress: {},
  compare: [],
  runDiff: null,
  baseline: null,
  rescores: [],
  draft: null,
  async loadSuites() {
    try {
      set({ suites: (await api().qa.suites({})).suites, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async openSuite(dir) {
    try {
      set({ suite: await api().qa.suite({ dir }), error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  replaceScenario(item) {
    const suite = get().suite;
    if (!suite) return;
    const items = suite.items.map((i) => (i.file === item.file ? item : i));
    set({ suite: { ...suite, items, invalid: items.filter((i) => i.problems.length > 0).length } });
  },
  async startRun(req) {
    try {
      const started = await api().qa.run(req);
      set({ error: undefined });
      await get().loadRuns();
      return started.runId;
    } catch (err) {
      set({ error: errorMessage(err) });
      return null;
    }
  },
  async loadRuns() {
    try {
      set({ runs: (await api().qa.runs({})).runs });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async openRun(runId) {
    try {
      const [run, stats, { rescores }] = await Promise.all([
        api().qa.runDetail({ runId }),
        api().qa.runStats({ runId }),
        api().qa.rescores({ runId }),
      ]);
      // Another run opened: its comparison with a baseline is not this one's.
      const baseline = get().baseline;
      const keep = baseline?.result.current.id === runId ? baseline : null;
      set({ run, stats, rescores, baseline: keep, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  toggleCompare(run) {
    const compare = get().compare;
    if (compare.some((r) => r.id === run.id)) pick(compare.filter((r) => r.id !== run.id));
    else pick([...compare, run].slice(-COMPARE_MAX));
  },
  setCompare(runs) {
    pick(runs.slice(0, COMPARE_MAX));
  },
  async compareWithBaseline(baselineRunId) {
    const current = get().run;
    if (!current) return;
    try {
      const [result, run] = await Promise.all([
        api().qa.compareSuite({ runId: current.id, baselineRunId }),
        api().qa.runDetail({ runId: baselineRunId }),
      ]);
      set({ baseline: { result, run }, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  clearBaseline() {
    set({ baseline: null });
  },
  openDraft(dir, file) {
    set({ draft: { dir, file } });
  },
  takeDraft() {
    const draft = get().draft;
    if (draft) set({ draft: null });
    return draft;
  },
  async rescoreRun() {
    const run = get().run;
    if (!run) return;
    try {
      const done = await api().qa.rescore({ runId: run.id });
      if (get().run?.id === run.id) set({ rescores: [done, ...get().rescores], error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  dismissError() {
    set({ error: undefined });
  },
}));

/** Picks the runs to compare; with two, asks the core for their turn-by-turn comparison. */
function pick(compare: QaScenarioRunInfo[]): void {
  useQaStore.setState({ compare, runDiff: null });
  const [a, b] = compare;
  if (!a || !b) return;
  api()
    .qa.compareRuns({ a: a.id, b: b.id })
    .then((runDiff) => {
      // Only if the pick has not changed meanwhile.
      const [x, y] = useQaStore.getState().compare;
      if (x?.id === a.id && y?.id === b.id) useQaStore.setState({ runDiff });
    })
    .catch((err: unknown) => useQaStore.setState({ error: errorMessage(err) }));
}

let subscribed = false;
/** Keeps the page's runs (and the open run) current while a suite runs. */
export function startQaFeed(): void {
  if (subscribed) return;
  subscribed = true;
  api().on('qa.updated', (e) => {
    useQaStore.setState((s) => ({ progress: { ...s.progress, [e.runId]: e } }));
    const s = useQaStore.getState();
    void s.loadRuns();
    if (s.run?.id === e.runId) void s.openRun(e.runId);
  });
  api().onResync(() => {
    const s = useQaStore.getState();
    void s.loadRuns();
    if (s.run) void s.openRun(s.run.id);
  });
}
