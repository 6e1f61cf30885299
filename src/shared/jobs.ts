import { z } from 'zod';

/** Long work (imports today; campaign runs, QA runs and exports next) as the Api exposes it. */

export const JOB_STATES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States a job never leaves. */
export const FINISHED_JOB_STATES = ['succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type FinishedJobState = (typeof FINISHED_JOB_STATES)[number];
export const isJobFinished = (s: JobState): s is FinishedJobState => s !== 'running';

export interface JobProgress {
  done: number;
  /** Unknown until the work can tell (e.g. a file's size before its first row). */
  total: number | null;
  /** What `done` and `total` count: rows, bytes, calls, scenarios. */
  unit: string;
  /** A short line of what is happening now ("reading", "saving 12,000 rows"). */
  note: string | null;
  /** Estimated time left, from the rate since the job started; null until it can be told. */
  etaMs: number | null;
}

/** Why a job did not succeed: a stable code for programs, a sentence for people. */
export interface JobErrorInfo {
  code: string;
  message: string;
}

export interface JobInfo {
  id: string;
  kind: string;
  title: string;
  /** What the job works on (e.g. `list:March reminders`). */
  subject: string | null;
  actor: string;
  state: JobState;
  progress: JobProgress;
  /** A one-line outcome for people ("150,001 valid, 3 invalid"); null while running or on failure. */
  summary: string | null;
  /** The kind's own result (JSON), once succeeded. */
  result: unknown;
  error: JobErrorInfo | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** How many times the job was resumed after a restart. */
  resumes: number;
}

export const JobIdSchema = z.object({ jobId: z.string().min(1).max(100) }).strict();

export const JobsListSchema = z
  .object({
    /** Finished jobs to include after the running ones, newest first. */
    recent: z.number().int().min(0).max(200).default(20),
    kind: z.string().min(1).max(100).optional(),
  })
  .strict();

export interface JobsList {
  running: JobInfo[];
  recent: JobInfo[];
}
