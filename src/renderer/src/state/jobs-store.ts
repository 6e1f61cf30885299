import { create } from 'zustand';
import { isJobFinished, type JobInfo } from '../../../shared/jobs';
import { api, errorMessage } from '../api';

/** Finished jobs the tray keeps. */
const RECENT = 10;

interface JobsState {
  running: JobInfo[];
  recent: JobInfo[];
  error?: string;
  load: () => Promise<void>;
  /** Reads the running and recent jobs of `kind` again (see watchJobs). */
  poll: (kind: string) => Promise<void>;
  cancel: (jobId: string) => Promise<void>;
  dismissError: () => void;
}

/** The newer of two views of one job: an end is final, else the later update wins. */
const newer = (a: JobInfo, b: JobInfo): JobInfo => {
  if (isJobFinished(a.state) !== isJobFinished(b.state)) return isJobFinished(a.state) ? a : b;
  return b.updatedAt >= a.updatedAt ? b : a;
};

/** Places each job in running or recent by its state, newest view of each kept. */
function merge(state: Pick<JobsState, 'running' | 'recent'>, jobs: JobInfo[]) {
  const byId = new Map<string, JobInfo>();
  for (const j of [...state.running, ...state.recent, ...jobs]) {
    const known = byId.get(j.id);
    byId.set(j.id, known ? newer(known, j) : j);
  }
  const all = [...byId.values()];
  return {
    running: all
      .filter((j) => !isJobFinished(j.state))
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    recent: all
      .filter((j) => isJobFinished(j.state))
      .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
      .slice(0, RECENT),
  };
}

export const useJobsStore = create<JobsState>((set) => ({
  running: [],
  recent: [],
  async load() {
    try {
      const list = await api().jobs.list({ recent: RECENT });
      // Pushes that arrived while the list was on its way are newer: merge, never overwrite.
      set((s) => ({ ...merge(s, [...list.running, ...list.recent]), error: undefined }));
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async poll(kind) {
    try {
      const list = await api().jobs.list({ recent: RECENT, kind });
      set((s) => merge(s, [...list.running, ...list.recent]));
    } catch {
      // Left for the next poll: a poll fails only while the bridge is down, which the app already
      // shows, and its return reads every job again (onResync).
    }
  },
  async cancel(jobId) {
    try {
      await api().jobs.cancel({ jobId });
    } catch (err) {
      set({ error: `Could not cancel: ${errorMessage(err)}` });
    }
  },
  dismissError() {
    set({ error: undefined });
  },
}));

let subscribed = false;
/** Fed by `job.updated` from any page; read again when pushes were lost (Api.onResync). */
export function startJobsFeed(): void {
  if (subscribed) return;
  subscribed = true;
  api().on('job.updated', (job) => useJobsStore.setState((s) => merge(s, [job])));
  api().onResync(() => void useJobsStore.getState().load());
  void useJobsStore.getState().load();
}

/** How often a view that follows jobs of a kind reads them again (see watchJobs). */
export const JOBS_POLL_MS = 1500;

/**
 * Reads the jobs of `kind` every `everyMs` until the returned function is called. Pushes
 * (job.updated) come only for this process's jobs: one another process runs on the same data
 * folder (the CLI next to `calldeck serve`, the desktop app) is seen only in the jobs' rows.
 */
export function watchJobs(kind: string, everyMs = JOBS_POLL_MS): () => void {
  const timer = setInterval(() => void useJobsStore.getState().poll(kind), everyMs);
  return () => clearInterval(timer);
}
