/** Campaigns: the model (states, settings, queue), its service, the forecast, and the dialer's seam. */
export { nextState, canTransition, IllegalTransitionError } from './state';
export { CampaignError, type CampaignErrorCode } from './errors';
export {
  CampaignsService,
  type CampaignChange,
  type CampaignsServiceDeps,
  type NewCampaign,
} from './campaigns-service';
export {
  forecast,
  outcomeRates,
  type ForecastContact,
  type ForecastInput,
  type ForecastTrace,
} from './forecast';
export { ScheduledStarts, SCHEDULER_ACTOR, type Audited, type ScheduledStartsDeps } from './scheduled-starts';
export { StateFollower, type StateFollowerDeps } from './state-follower';
export { DialerUnavailableError, type CampaignRunner } from './runner';
export type {
  AttemptOutcome,
  CampaignAction,
  CampaignContactStatus,
  CampaignDetail,
  CampaignForecast,
  CampaignSettings,
  CampaignState,
  CallingWindow,
  Pacing,
  RetryOutcome,
  RetryPolicy,
} from '../../../shared/campaigns';
// The dialer (issue 10, C2): pacing, window calendar, retry policy, scheduler, runs and outcome check.
export { Dialer, CAMPAIGN_JOB } from './dialer';
export {
  CampaignRun,
  type CampaignDialRequest,
  type LookupAnswer,
  type RunDeps,
  type RunEnd,
} from './campaign-run';
export { AccountLimiter, Pacer, type Clock, type PacingLimits, type PacingSnapshot } from './pacing';
export { isInsideWindow, nextOpening, nextDialTime, type CalendarWindow } from './window-calendar';
export { outcomeFlags, OUTCOME_FLAGS, type BotRecord, type OutcomeFlag } from './outcome-check';
export { adoptFoundCall, lookupLostCall } from './reconcile';
