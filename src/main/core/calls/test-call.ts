import type { Settings } from '../../../shared/settings';
import type { TestCallResult } from '../../../shared/telephony';
import { normalisePhone } from '../contacts';
import {
  failureText,
  flowUrl,
  SANDBOX_ACCOUNT,
  SANDBOX_CALLER_ID,
  SANDBOX_FLOW_APP,
  type Choice,
  type CallMode,
} from '../telephony';
import type { CallStateService } from './call-state-service';
import { dialOnce, type DoNotCall } from './dial-once';
import { attemptInfo } from './views';

/** The routes Exotel (or the sandbox) calls back on, as the public surface serves them. */
export interface CallbackUrls {
  statusCallback: string;
  voicebot: string;
}

export interface TestCallDeps {
  calls: CallStateService;
  dnc: DoNotCall;
  /** The provider a call placed now uses, and why. */
  choice: () => Choice;
  exotel: () => Settings['exotel'];
  /** The sandbox is reached on this machine; Exotel only through the tunnel (null until it runs). */
  urls: (provider: 'exotel' | 'sandbox') => CallbackUrls | null;
  /** The account's calls-per-minute limit, shared with running campaigns (none: not counted). */
  account?: AccountGate;
}

/** Takes one of the account's calls-per-minute tokens, waiting at most `maxWaitMs`. */
export interface AccountGate {
  acquire(maxWaitMs: number): Promise<boolean>;
}

/** How long a test call waits for the account's next token before it is refused. */
export const TEST_CALL_RATE_WAIT_MS = 10_000;

export interface TestCallRequest {
  number: string;
  mode: CallMode;
  /** Country for a number written without its code. */
  region: string;
  /** The bot's variables for this call (a test call has no contact row to read them from). */
  variables?: Record<string, string>;
  /** The bot the call reaches (an id from voicebot.bots; none: the default bot). */
  bot?: string;
}

/** A test-call request the operator can fix (bad number, number on DNC, missing setting). */
export class TestCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestCallError';
  }
}

/** One call to one number, placed the way every call is (dialOnce), for trying the setup out. */
export async function placeTestCall(d: TestCallDeps, req: TestCallRequest): Promise<TestCallResult> {
  const phone = normalisePhone(req.number, req.region as Parameters<typeof normalisePhone>[1]);
  if (!phone.ok) throw new TestCallError(`${req.number}: ${phone.reason}`);
  const choice = d.choice();
  if (!choice.provider) throw new TestCallError(choice.reason);
  const exotel = d.exotel();
  const isSandbox = choice.provider.name === 'sandbox';
  if (!isSandbox && req.mode === 'flow' && !exotel.flowAppId)
    throw new TestCallError('Flow mode needs the flow app id (Settings → Exotel account)');
  if (!isSandbox && !exotel.callerId) throw new TestCallError('Set your ExoPhone (caller ID) first');
  const urls = d.urls(choice.provider.name);
  if (!urls) throw new TestCallError('Start the tunnel first: Exotel must be able to reach CallDeck');
  // A test call counts against the account's limit like any campaign call: Exotel counts them all.
  if (d.account && !(await d.account.acquire(TEST_CALL_RATE_WAIT_MS)))
    throw new TestCallError(
      "Running campaigns are using the account's whole calls-per-minute limit (Settings › Calling): try again shortly",
    );
  const dialled = await dialOnce(
    { calls: d.calls, provider: choice.provider, dnc: d.dnc },
    {
      number: phone.e164,
      mode: req.mode,
      callerId: isSandbox ? SANDBOX_CALLER_ID : exotel.callerId,
      flowUrl: flowUrl(
        isSandbox ? SANDBOX_ACCOUNT : exotel.accountSid,
        isSandbox ? SANDBOX_FLOW_APP : exotel.flowAppId,
      ),
      streamUrl: urls.voicebot,
      statusCallbackUrl: urls.statusCallback,
      variables: req.variables,
      bot: req.bot,
    },
  );
  if (dialled.kind === 'refused') throw new TestCallError(dialled.message);
  const { attempt, result } = dialled;
  return {
    attempt: attemptInfo(attempt),
    outcome:
      result.kind === 'accepted'
        ? { ok: true, providerSid: result.sid }
        : { ok: false, kind: result.kind, message: failureText(result) },
  };
}
