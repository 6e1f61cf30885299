import { CampaignSettingsSchema, type CampaignSettings } from '../../../src/shared/campaigns';
import { dialOnce, type CallStateChange } from '../../../src/main/core/calls';
import {
  AccountLimiter,
  adoptFoundCall,
  lookupLostCall,
  Dialer,
  type LookupAnswer,
  type RunDeps,
} from '../../../src/main/core/campaigns';
import {
  CallsRepository,
  CampaignsRepository,
  DncRepository,
  type CallAttemptRow,
} from '../../../src/main/core/store';
import { ACCOUNT, makeRig, type Rig } from '../telephony/rig';
import { ANY_TIME_WINDOW } from '../../helpers/campaign-window';

/**
 * The dialer over the real calls domain: the sandbox plays Exotel (callbacks through the public
 * surface into the call state machine), campaigns and calls on one real SQLite file.
 */
export interface DialerRig {
  rig: Rig;
  repo: CampaignsRepository;
  dnc: DncRepository;
  dialer: Dialer;
  /** Creates a running campaign over `numbers` (contact ids 1..n). */
  campaign(numbers: string[], settings?: Partial<Record<keyof CampaignSettings, unknown>>): string;
  run(campaignId: string): Promise<string>;
  changes: CallStateChange[];
  lookups: CallAttemptRow[];
  close(): Promise<void>;
}

export async function makeDialerRig(
  script: unknown,
  options: {
    concurrencyCap?: number;
    /** Wraps the real lookup (the sandbox's bulk call details), e.g. to make it unsure first. */
    lookup?: (call: CallAttemptRow, real: () => Promise<LookupAnswer>) => Promise<LookupAnswer>;
    onChange?: (c: CallStateChange, r: DialerRig) => void;
    lostCallGraceMs?: number;
    /** The account's calls-per-minute limit, shared by every campaign of the rig (default: none). */
    accountCallsPerMinute?: number;
    /** Wall seconds per sandbox second (default the rig's 0.005). */
    timeScale?: number;
  } = {},
): Promise<DialerRig> {
  const holder: { r?: DialerRig } = {};
  const rig = await makeRig(
    script,
    {
      concurrencyCap: options.concurrencyCap ?? 10,
      requestsPerMinute: 100_000,
      ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
    },
    {
      onChange: (c) => {
        const r = holder.r;
        if (!r) return;
        options.onChange?.(c, r);
        r.dialer.onCallChanged(c.attempt.campaignId);
      },
    },
  );
  const repo = new CampaignsRepository(rig.db);
  const dnc = new DncRepository(rig.db);
  const lookups: CallAttemptRow[] = [];
  const deps: RunDeps = {
    repo,
    settings: (id) => CampaignSettingsSchema.parse(JSON.parse(repo.get(id)?.settings ?? '{}')),
    dial: (req) =>
      dialOnce(
        { calls: rig.calls, provider: rig.provider, dnc },
        {
          number: req.number,
          mode: req.mode,
          callerId: '+918047000000',
          flowUrl: `http://my.exotel.com/${ACCOUNT}/exoml/start_voice/1234`,
          streamUrl: rig.urls.voicebot,
          statusCallbackUrl: rig.urls.statusCallback,
          attemptId: req.attemptId,
          campaignId: req.campaignId,
          contactId: String(req.contactId),
          bot: req.bot,
        },
      ),
    call: (id) => rig.calls.attempt(id),
    agentLeg: (id) => rig.calls.events(id).some((e) => e.type === 'agent_transfer'),
    bot: () => null,
    isDnc: (n) => dnc.has(n),
    lookup: (call) => {
      lookups.push(call);
      const callsRepo = new CallsRepository(rig.db);
      const real = () =>
        lookupLostCall(
          { provider: rig.provider, knownSid: (sid) => callsRepo.findByProviderSid(sid) !== undefined },
          call,
        );
      return options.lookup ? options.lookup(call, real) : real();
    },
    reconcileRetryMs: 200,
    lostCallGraceMs: options.lostCallGraceMs ?? 0,
    adopt: (call, sid) => adoptFoundCall({ calls: rig.calls, provider: rig.provider }, call, sid),
    noCall: (call) => {
      rig.calls.record(call.id, 'recovery', { type: 'timed_out', reason: 'the provider has no such call' });
    },
    complete: (id) => {
      repo.setState(id, 'running', 'completed', new Date().toISOString());
    },
    accountCallsPerMinute: () => options.accountCallsPerMinute ?? 100_000,
    account:
      options.accountCallsPerMinute === undefined
        ? undefined
        : new AccountLimiter(() => options.accountCallsPerMinute ?? 100_000),
    clock: { now: () => Date.now() },
    log: logTo(rig),
  };
  const dialer = new Dialer(deps, null);
  let seq = 0;
  const r: DialerRig = {
    rig,
    repo,
    dnc,
    dialer,
    changes: rig.changes,
    lookups,
    campaign(numbers, settings = {}) {
      const id = `camp-${++seq}`;
      const parsed = CampaignSettingsSchema.parse({
        bot: 'demo',
        mode: 'flow',
        window: ANY_TIME_WINDOW,
        pacing: { maxConcurrent: 3, callsPerMinute: 6000 },
        retry: { maxAttempts: 2, on: ['busy', 'no_answer'], intervalMinutes: 0, backoff: 'linear' },
        frequencyCapPerDay: 10,
        ...settings,
      });
      repo.transaction(() =>
        repo.insert(
          {
            id,
            name: id,
            state: 'running',
            listId: 1,
            contactIds: null,
            settings: JSON.stringify(parsed),
            createdAt: new Date().toISOString(),
            createdBy: 'tester',
          },
          numbers.map((number, i) => ({ contactId: i + 1, number, name: `Customer ${i + 1}` })),
        ),
      );
      return id;
    },
    run: (id) => dialer.runCampaign(id, { signal: new AbortController().signal, progress: () => undefined }),
    close: () => rig.close(),
  };
  holder.r = r;
  return r;
}

/** The dialer's log lines go with the rig's (kept for assertions and failures). */
function logTo(rig: Rig): RunDeps['log'] {
  const line = (level: string) => (message: string, fields?: object) => {
    if (process.env['DEBUG_DIALER']) console.log(level, message, fields);
    rig.logs.push({
      level,
      message,
      scope: 'dialer',
      time: new Date().toISOString(),
      fields: fields ?? {},
    } as never);
  };
  const log: RunDeps['log'] = {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: () => log,
  };
  return log;
}
