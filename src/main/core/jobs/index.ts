/** Long work with progress, cancel and restart rules. Used by every domain; uses only store, logging, input. */
export { JobEngine, type JobEngineOptions, type RecordedJob } from './engine';
export {
  JobError,
  type AnyJobKind,
  type JobContext,
  type JobKind,
  type JobMeta,
  type ProgressReport,
  type RestartRule,
} from './types';
