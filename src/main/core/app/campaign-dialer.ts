import type { ApiEvents } from '../../../shared/api/events';
import type { CampaignUpdatedEvent } from '../../../shared/campaigns';
import type { EventBus } from '../api';
import { dialOnce, type DialDeps } from '../calls';
import {
  adoptFoundCall,
  Dialer,
  lookupLostCall,
  type AccountLimiter,
  type CampaignsService,
} from '../campaigns';
import type { JobEngine } from '../jobs';
import type { Logger } from '../logging';
import type { AuditTrail } from '../reports';
import type { SettingsService } from '../settings';
import type { CampaignsRepository, VoicebotRepository } from '../store';
import { flowUrl, SANDBOX_ACCOUNT, SANDBOX_CALLER_ID, SANDBOX_FLOW_APP } from '../telephony';
import type { DialingPort } from './telephony';

export interface CampaignDialerOptions {
  /** Filled in once telephony has started (the job kind must be registered before jobs recover). */
  port: () => DialingPort | null;
  /** Resolves once telephony is up and the calls a crash left open are settled. */
  ready: Promise<void>;
  repo: CampaignsRepository;
  service: CampaignsService;
  trail: AuditTrail;
  voicebotRepo: VoicebotRepository;
  jobs: JobEngine;
  settings: SettingsService;
  events: EventBus;
  log: Logger;
  /** The account's calls-per-minute limit, shared by every running campaign and test call. */
  account: AccountLimiter;
  /** Told as each call is placed (the voicebot prepares its greeting while the phone rings). */
  placing?: DialDeps['placing'];
}

/** Progress events at most this often per campaign (the board also gets every call.updated). */
const PROGRESS_MS = 250;

/**
 * Calls `fire(key)` at most once per `ms` per key, and once more at the end of the interval when
 * it was asked meanwhile: the last change is always told (dropping it left the counters stale).
 */
function trailingThrottle(
  ms: number,
  fire: (key: string, trailing: boolean) => void,
): { request: (key: string) => void } {
  const last = new Map<string, number>();
  const pending = new Map<string, NodeJS.Timeout>();
  const run = (key: string, trailing: boolean) => {
    pending.delete(key);
    last.set(key, Date.now());
    fire(key, trailing);
  };
  return {
    request: (key) => {
      if (pending.has(key)) return;
      const wait = (last.get(key) ?? 0) + ms - Date.now();
      if (wait <= 0) run(key, false);
      else pending.set(key, setTimeout(() => run(key, true), wait).unref());
    },
  };
}

/**
 * The dialer as the composition root builds it: campaign calls go through dialOnce with the
 * provider the settings choose (the sandbox or Exotel), at the public surface's URLs; completion
 * is the model's audited transition; the bot's record comes from the voicebot's sessions.
 */
export function createCampaignDialer(o: CampaignDialerOptions): Dialer {
  const must = (): DialingPort => {
    const port = o.port();
    if (!port) throw new Error('telephony is not running in this CallDeck: campaigns cannot dial');
    return port;
  };
  const progress = trailingThrottle(PROGRESS_MS, (id, trailing) => {
    // A late (trailing) one only while the run goes on here: a stopping core closes its store after.
    if (trailing && !dialer.isRunning(id)) return;
    const campaign = o.service.get(id);
    if (campaign) o.events.emit('campaign.updated', { campaign, reason: 'progress' });
  });
  const dialer = new Dialer(
    {
      repo: o.repo,
      settings: (id) => o.service.settings(id),
      dial: async (req) => {
        await o.ready;
        const port = must();
        const choice = port.choice();
        if (!choice.provider) throw new Error(`no telephony provider: ${choice.reason}`);
        const isSandbox = choice.provider.name === 'sandbox';
        const exotel = port.exotel();
        const urls = port.urls(choice.provider.name);
        if (!urls) throw new Error('Start the tunnel first: Exotel must be able to reach CallDeck');
        return dialOnce(
          { calls: port.calls, provider: choice.provider, dnc: port.dnc, placing: o.placing },
          {
            number: req.number,
            mode: req.mode,
            callerId: isSandbox ? SANDBOX_CALLER_ID : exotel.callerId,
            flowUrl: flowUrl(
              isSandbox ? SANDBOX_ACCOUNT : exotel.accountSid,
              isSandbox ? SANDBOX_FLOW_APP : exotel.flowAppId,
            ),
            streamUrl: urls.voicebot,
            statusCallbackUrl: urls.statusCallback,
            attemptId: req.attemptId,
            campaignId: req.campaignId,
            contactId: String(req.contactId),
            bot: req.bot,
          },
        );
      },
      call: (id) => o.port()?.calls.attempt(id),
      agentLeg: (id) =>
        o
          .port()
          ?.calls.events(id)
          .some((e) => e.type === 'agent_transfer') ?? false,
      bot: (id) => {
        const s = o.voicebotRepo.listSessions({ attemptId: id, limit: 1 })[0];
        if (!s) return null;
        // The bot ended it by hanging up, handing over or leaving a machine; the caller by hanging up.
        const byBot = s.endReason === 'bot_hangup' || s.endReason === 'transfer' || s.endReason === 'machine';
        const endedBy = byBot ? 'bot' : s.endReason === 'caller_hangup' ? 'user' : null;
        return { disposition: s.disposition, endedBy };
      },
      isDnc: (n) => must().dnc.has(n),
      lookup: async (call) => {
        await o.ready;
        const port = must();
        const provider = port.choice().provider;
        if (!provider || provider.name !== call.provider)
          return { kind: 'unsure', reason: `provider ${call.provider} cannot be asked now` };
        return lookupLostCall(
          { provider, knownSid: (sid) => port.repo.findByProviderSid(sid) !== undefined },
          call,
        );
      },
      adopt: async (call, sid) => {
        const port = must();
        const provider = port.choice().provider;
        // Another provider than the one that placed it cannot tell: ask again later.
        if (!provider || provider.name !== call.provider) return 'known';
        return adoptFoundCall({ calls: port.calls, provider }, call, sid);
      },
      noCall: (call) => {
        must().calls.record(call.id, 'recovery', {
          type: 'timed_out',
          reason: 'the provider has no call for this attempt (reconciled after a restart)',
        });
      },
      complete: async (id) => {
        await o.trail.run(
          { actor: 'dialer', action: 'campaigns.complete', subject: `campaign:${id}` },
          (scope) => {
            const campaign = o.service.transition(id, 'complete', scope);
            o.events.emit('campaign.updated', { campaign, reason: 'state' } satisfies CampaignUpdatedEvent);
          },
          (err) => ({ code: 'internal', message: err instanceof Error ? err.message : String(err) }),
        );
      },
      accountCallsPerMinute: () => o.settings.get().calling.callsPerMinuteLimit,
      account: o.account,
      onProgress: (id) => progress.request(id),
      clock: { now: () => Date.now() },
      log: o.log,
      ready: o.ready,
    },
    o.jobs,
  );
  // Call outcomes drive the runs: each change of a campaign's call wakes its run.
  o.events.subscribe((event, payload) => {
    if (event === 'call.updated') dialer.onAttemptChanged((payload as ApiEvents['call.updated']).attempt.id);
  });
  // Registered before jobs recover, so a restart resumes campaign runs (each waits for `ready`).
  o.jobs.register(dialer.jobKind);
  return dialer;
}
