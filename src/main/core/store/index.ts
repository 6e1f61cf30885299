export { openDatabase, migrate, MigrationError, type Db, type OpenDatabaseOptions } from './database';
export { MIGRATIONS, type Migration } from './migrations';
export { SettingsRepository } from './settings-repository';
export { AuditRepository } from './audit-repository';
export { AuditQuery } from './audit-query';
export {
  CallsRepository,
  type CallAttemptRow,
  type CallAttemptView,
  type CallEventRow,
  type NewCallAttempt,
  type NewCallEvent,
} from './calls-repository';
export * from './contacts-repository';
export { VoicebotRepository, type NewVoicebotSession, type VoicebotSessionEnd } from './voicebot-repository';
export { ArtifactsRepository, type ArtifactRow } from './artifacts-repository';
export {
  JobsRepository,
  type JobEnd,
  type JobRow,
  type JobRowState,
  type NewJobRow,
} from './jobs-repository';
export type { AuditScope, AuditFollowUp, AuditDetail, AuditedChange, Transact } from './audit-scope';
export {
  CampaignsRepository,
  type CampaignAttemptRow,
  type CampaignContactRow,
  type CampaignCountsRow,
  type CampaignRow,
  type ContactChange,
  type NewCampaignRow,
  type QueueContact,
} from './campaigns-repository';
export { QaRepository, type NewQaRun, type NewQaScenarioRun } from './qa-repository';
export {
  snapshotDatabase,
  openDatabaseReadOnly,
  integrityProblems,
  relocateDataPaths,
  schemaVersion,
} from './snapshot';
export { RetentionRepository, type SessionRecordings } from './retention-repository';
export { WipeRepository, WIPED_TABLES, KEPT_TABLES } from './wipe-repository';
