/**
 * A dialer process for the crash test (run with jiti): it opens the data folder, settles calls a
 * previous (killed) process left open, then runs the campaign to its end against the sandbox at
 * argv[3], which lives in the test process and outlives every kill. Exits 0 when it completes.
 */
import path from 'node:path';
import { CampaignSettingsSchema } from '../../../src/shared/campaigns';
import { CallStateService, dialOnce, recoverCalls } from '../../../src/main/core/calls';
import { adoptFoundCall, Dialer, lookupLostCall } from '../../../src/main/core/campaigns';
import { createLogger } from '../../../src/main/core/logging';
import {
  loadOrCreatePublicSecret,
  publicUrls,
  startPublicSurface,
} from '../../../src/main/core/public-surface';
import { MemorySecretStore } from '../../../src/main/core/settings';
import {
  CallsRepository,
  CampaignsRepository,
  DncRepository,
  openDatabase,
} from '../../../src/main/core/store';
import { createTelephonyProvider } from '../../../src/main/core/telephony';

async function main(): Promise<void> {
  const [dir, sandboxUrl, campaignId] = process.argv.slice(2);
  if (!dir || !sandboxUrl || !campaignId) throw new Error('usage: crash-child DIR SANDBOX_URL CAMPAIGN');
  const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
  const log = createLogger([], 'error', 'child');
  const provider = createTelephonyProvider({
    kind: 'sandbox',
    baseUrl: sandboxUrl,
    accountSid: 'ACsandbox',
    apiKey: 'key',
    apiToken: 'token',
  });
  const repo = new CallsRepository(db);
  const holder: { dialer?: Dialer } = {};
  const campaigns = new CampaignsRepository(db);
  const calls = new CallStateService(repo, log, (c) => holder.dialer?.onAttemptChanged(c.attempt.id), {
    providerFor: () => provider,
  });
  const secret = loadOrCreatePublicSecret(new MemorySecretStore());
  const surface = await startPublicSurface({
    secret,
    log,
    handlers: { statusCallback: (cb) => calls.onStatusCallback(cb), passthru: (p) => calls.onPassthru(p) },
  });
  const urls = publicUrls(surface.localUrl, secret);
  // The restart: calls the killed process left open are settled first (the sandbox can still say).
  await recoverCalls({ calls, repo, providerFor: () => provider, log });
  const dnc = new DncRepository(db);
  const dialer = new Dialer(
    {
      repo: campaigns,
      settings: (id) => CampaignSettingsSchema.parse(JSON.parse(campaigns.get(id)?.settings ?? '{}')),
      dial: (req) =>
        dialOnce(
          { calls, provider, dnc },
          {
            number: req.number,
            mode: req.mode,
            callerId: '+918047000000',
            flowUrl: 'http://my.exotel.com/ACsandbox/exoml/start_voice/1234',
            streamUrl: 'ws://127.0.0.1:9/voicebot',
            statusCallbackUrl: urls.statusCallback,
            attemptId: req.attemptId,
            campaignId: req.campaignId,
            contactId: String(req.contactId),
            bot: req.bot,
          },
        ),
      call: (id) => calls.attempt(id),
      agentLeg: () => false,
      bot: () => null,
      isDnc: (n) => dnc.has(n),
      lookup: (call) =>
        lookupLostCall({ provider, knownSid: (sid) => repo.findByProviderSid(sid) !== undefined }, call),
      adopt: (call, sid) => adoptFoundCall({ calls, provider }, call, sid),
      noCall: (call) => calls.record(call.id, 'recovery', { type: 'timed_out', reason: 'no such call' }),
      complete: (id) => {
        campaigns.setState(id, 'running', 'completed', new Date().toISOString());
      },
      accountCallsPerMinute: () => 100_000,
      clock: { now: () => Date.now() },
      log,
      reconcileRetryMs: 100,
      // The sandbox is on this machine: a request it has not taken up within 2 s never reached it.
      lostCallGraceMs: 2_000,
    },
    null,
  );
  holder.dialer = dialer;
  const end = await dialer.runCampaign(campaignId, {
    signal: new AbortController().signal,
    progress: () => undefined,
  });
  process.stdout.write(`END ${end}\n`);
  await surface.close();
  db.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
