import type { CampaignAction, CampaignDetail, CampaignUpdatedEvent } from '../../../../shared/campaigns';
import { ApiError } from '../../../../shared/api/errors';
import type { EventBus, Handlers } from '../../api';
import {
  CampaignError,
  DialerUnavailableError,
  IllegalTransitionError,
  type CampaignRunner,
  type CampaignsService,
} from '../../campaigns';
import type { AuditScope, CampaignsRepository } from '../../store';

export interface CampaignHandlerDeps {
  campaigns: CampaignsService;
  repo: CampaignsRepository;
  /** The dialer, when this host runs one (a data tool's core does not). */
  runner: () => CampaignRunner | undefined;
  events: EventBus;
  /**
   * Checks a campaign's bot against the registry (throws the Api's error for an unknown one) and
   * names the variables each of its calls needs a value for.
   */
  botVariables: (id: string) => string[];
}

/** Campaign errors as the Api's typed errors. */
async function asCampaignApi<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CampaignError)
      throw new ApiError({
        code: err.code === 'invalid' ? 'invalid_request' : err.code,
        message: err.message,
      });
    if (err instanceof IllegalTransitionError) throw new ApiError({ code: 'conflict', message: err.message });
    if (err instanceof DialerUnavailableError)
      throw new ApiError({ code: 'unavailable', message: err.message });
    throw err;
  }
}

/** The campaigns Api: the model moves and audits; the runner (the dialer) makes dialing follow. */
export function campaignHandlers({
  campaigns,
  repo,
  runner,
  events,
  botVariables,
}: CampaignHandlerDeps): Handlers['campaigns'] {
  const announce = (campaign: CampaignDetail, reason: CampaignUpdatedEvent['reason']) => {
    events.emit('campaign.updated', { campaign, reason });
    return campaign;
  };
  const dialer = () => {
    const r = runner();
    if (!r) throw new DialerUnavailableError();
    return r;
  };
  /** Moves the campaign (audited), then has the dialer follow. */
  const move = (
    campaignId: string,
    action: CampaignAction,
    audit: AuditScope,
    follow?: (r: CampaignRunner) => Promise<void>,
    needsDialer = false,
  ) =>
    asCampaignApi(async () => {
      // Refused before anything changes when there is no dialer to make it true.
      const r = needsDialer ? dialer() : runner();
      const moved = campaigns.transition(campaignId, action, audit);
      announce(moved, 'state');
      if (r && follow) await follow(r);
      return campaigns.detail(campaignId);
    });
  const exists = (campaignId: string) => {
    if (!repo.get(campaignId)) throw new CampaignError('not_found', `No campaign ${campaignId}`);
  };

  return {
    create: (req, { actor, audit }) =>
      asCampaignApi(() => {
        const needs = botVariables(req.bot);
        return announce(campaigns.create(req, actor, audit, needs), 'created');
      }),
    update: (req, { audit }) =>
      asCampaignApi(() => {
        const needs = botVariables(req.bot ?? campaigns.settings(req.campaignId).bot);
        return announce(campaigns.update(req, audit, needs), 'updated');
      }),
    schedule: (req, { audit }) => move(req.campaignId, 'schedule', audit),
    start: (req, { audit }) => move(req.campaignId, 'start', audit, (r) => r.start(req.campaignId), true),
    pause: (req, { audit }) => move(req.campaignId, 'pause', audit, (r) => r.pause(req.campaignId)),
    resume: (req, { audit }) => move(req.campaignId, 'resume', audit, (r) => r.resume(req.campaignId), true),
    cancel: (req, { audit }) => move(req.campaignId, 'cancel', audit, (r) => r.cancel(req.campaignId)),
    setPacing: (req, { audit }) =>
      asCampaignApi(() => {
        const detail = campaigns.setPacing(req.campaignId, req.pacing, audit);
        runner()?.setPacing(req.campaignId, req.pacing);
        return announce(detail, 'pacing');
      }),
    skipContact: (req) =>
      asCampaignApi(async () => {
        exists(req.campaignId);
        await dialer().skipContact(req.campaignId, req.contactId);
        return announce(campaigns.detail(req.campaignId), 'progress');
      }),
    retryContact: (req) =>
      asCampaignApi(async () => {
        exists(req.campaignId);
        await dialer().retryContact(req.campaignId, req.contactId);
        return announce(campaigns.detail(req.campaignId), 'progress');
      }),
    list: (req) => campaigns.list(req.states),
    get: (req) => asCampaignApi(() => campaigns.detail(req.campaignId)),
    forecast: (req) => asCampaignApi(() => campaigns.forecast(req.campaignId, req.answerRate)),
    contacts: (req) =>
      asCampaignApi(() => {
        exists(req.campaignId);
        return repo.contactsPage(req.campaignId, {
          status: req.status,
          afterPosition: req.afterPosition,
          limit: req.limit,
        });
      }),
  };
}
