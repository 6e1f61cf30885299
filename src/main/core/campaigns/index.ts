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
