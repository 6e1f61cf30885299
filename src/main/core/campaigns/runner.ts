import type { Pacing } from '../../../shared/campaigns';

/**
 * The seam between the campaign model and the dialer. The model owns state and audit: it has
 * already moved the campaign (start, pause, resume, cancel) when it calls the runner, in the same
 * action, and the runner makes the dialing follow. The dialer (C2's scheduler) implements it.
 */
export interface CampaignRunner {
  /** Begin (or continue after a restart) dialing a running campaign. */
  start(campaignId: string): Promise<void>;
  /** Stop placing new calls; calls in progress finish. */
  pause(campaignId: string): Promise<void>;
  resume(campaignId: string): Promise<void>;
  /** Stop for good: no new calls; calls in progress are left to finish or are ended by the dialer. */
  cancel(campaignId: string): Promise<void>;
  /** New pacing takes effect at once (already stored and audited by the model). */
  setPacing(campaignId: string, pacing: Pacing): void;
  /** The contact is not dialled again in this campaign. */
  skipContact(campaignId: string, contactId: number): Promise<void>;
  /** The contact is dialled as soon as the pacing and window allow, once more. */
  retryContact(campaignId: string, contactId: number): Promise<void>;
}

/** Said when the host runs no dialer (a data tool's core, or before the dialer is built). */
export class DialerUnavailableError extends Error {
  readonly code = 'unavailable';
  constructor() {
    super('the dialer is not available in this CallDeck (start the app or calldeck serve)');
    this.name = 'DialerUnavailableError';
  }
}
