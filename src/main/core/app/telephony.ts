import type {
  CallAttemptInfo,
  CallEventInfo,
  ConnectionCheck,
  TelephonyInfo,
  TestCallResult,
} from '../../../shared/telephony';
import { ApiError } from '../../../shared/api/errors';
import type { Settings } from '../../../shared/settings';
import type { EventBus } from '../api';
import {
  attemptInfo,
  CallStateService,
  eventInfo,
  placeTestCall,
  PRICE_CHECKS_MS,
  PriceFollowUp,
  recoverCalls,
  voicebotCallLink,
  type AccountGate,
  type TestCallRequest,
} from '../calls';
import type { Logger } from '../logging';
import {
  loadOrCreatePublicSecret,
  publicUrls,
  sourceFilter,
  startPublicSurface,
  type PublicSurface,
  type PublicSurfaceLimitsInput,
  type PublicUrls,
  type VoicebotHandler,
} from '../public-surface';
import type { SecretStore, SettingsService } from '../settings';
import { CallsRepository, DncRepository, SettingsRepository, type Db } from '../store';
import {
  CalleeScriptSchema,
  exotelStreamSide,
  ProviderChooser,
  startSandbox,
  type CalleeScript,
  type Choice,
  type Sandbox,
  type Speak,
  type TelephonyMode,
} from '../telephony';
import { TunnelManager } from '../tunnel';

export interface TelephonyOptions {
  db: Db;
  settings: SettingsService;
  /** The host's secret store: the public URL secret lives there. */
  secrets: SecretStore;
  events: EventBus;
  log: Logger;
  mode: TelephonyMode;
  publicPort?: number;
  /** What the public surface accepts (connections, frame size, timeouts). */
  publicLimits?: PublicSurfaceLimitsInput;
  /** The sandbox's callees (default: everyone answers). */
  sandboxScript?: unknown;
  /** Wall-clock seconds per sandbox second (tests run calls faster). */
  sandboxTimeScale?: number;
  /** The offline TTS the sandbox's callees speak their `say` lines with (silence without it). */
  sandboxSpeak?: Speak;
  /** Settle the calls a crash left open (default true; false when another CallDeck takes calls here). */
  recover?: boolean;
  /** The account's calls-per-minute limit, shared by test calls and running campaigns. */
  account?: AccountGate;
}

/** Telephony as the Api's handlers use it. */
export interface Telephony {
  /** `http://127.0.0.1:PORT/exotel/<secret>/` (null: no public surface in this profile). */
  readonly exotelBase: string | null;
  /** `ws://127.0.0.1:PORT/voicebot/<secret>/`: any path below it opens a voicebot session. */
  readonly voicebotBase: string | null;
  info(): TelephonyInfo;
  testConnection(): Promise<ConnectionCheck>;
  placeTestCall(req: TestCallRequest): Promise<TestCallResult>;
  recentCalls(limit: number): CallAttemptInfo[];
  callEvents(attemptId: string): CallEventInfo[] | undefined;
  startTunnel(): Promise<TelephonyInfo>;
  stopTunnel(): Promise<TelephonyInfo>;
  tunnelHealth(): Promise<{ ok: boolean; detail: string }>;
  voicebotCallLink(): ReturnType<typeof voicebotCallLink>;
  /** The voicebot takes over the stream route when it starts. */
  setVoicebotHandler(handler: VoicebotHandler): void;
  /** What the dialer places campaign calls through (null: no public surface in this profile). */
  readonly dialing: DialingPort | null;
  close(): Promise<void>;
}

/** The calls side as the campaign dialer uses it (see app/campaign-dialer.ts). */
export interface DialingPort {
  calls: CallStateService;
  repo: CallsRepository;
  dnc: DncRepository;
  choice: () => Choice;
  exotel: () => Settings['exotel'];
  urls: (provider: 'exotel' | 'sandbox') => PublicUrls | null;
  /** Settled once the calls a crash left open are (the dialer waits for it before it reconciles). */
  recovered: Promise<void>;
}

/**
 * Wires telephony for the app: the public surface (callbacks, passthru, voicebot stream) feeding the
 * call state machine, the provider chosen from settings (Exotel or the in-process sandbox), the tunnel.
 */
export async function startTelephony(options: TelephonyOptions): Promise<Telephony> {
  const { db, events, log, settings } = options;
  const repo = new CallsRepository(db);
  const dnc = new DncRepository(db);
  const built: { sandbox?: Sandbox } = {};
  const chooser = new ProviderChooser({
    mode: options.mode,
    exotel: () => ({
      settings: settings.get().exotel,
      apiKey: settings.secret('exotel.apiKey'),
      apiToken: settings.secret('exotel.apiToken'),
    }),
    sandboxUrl: () => built.sandbox?.url,
  });
  const later: { prices?: PriceFollowUp } = {};
  const calls = new CallStateService(
    repo,
    log.child('calls'),
    (change) => {
      events.emit('call.updated', { attempt: attemptInfo(change.attempt), event: eventInfo(change.event) });
      later.prices?.onCallChanged(change.attempt);
    },
    // A disputed callback is checked with the provider that placed the call.
    { providerFor: (attempt) => chooser.providerNamed(attempt.provider) },
  );
  const secret = loadOrCreatePublicSecret(options.secrets, new SettingsRepository(db), log.child('public'));
  const surface: PublicSurface = await startPublicSurface({
    secret,
    port: options.publicPort ?? 0,
    limits: options.publicLimits,
    log: log.child('public'),
    handlers: { statusCallback: (cb) => calls.onStatusCallback(cb), passthru: (p) => calls.onPassthru(p) },
    allowSource: sourceFilter(() => {
      const t = settings.get().tunnel;
      return { enabled: t.restrictSources, allowed: t.allowedSources };
    }, log.child('public')),
  });
  const localUrls = publicUrls(surface.localUrl, secret);
  if (options.mode !== 'exotel') {
    try {
      const base = (options.sandboxScript ?? {}) as Partial<CalleeScript>;
      const script = CalleeScriptSchema.parse({
        ...base,
        flows: {
          '*': {
            passthruUrl: localUrls.passthru,
            voicebotUrl: localUrls.voicebot,
            agentNumber: '+918000000000',
          },
        },
      });
      built.sandbox = await startSandbox({
        script,
        timeScale: options.sandboxTimeScale,
        streamSide: exotelStreamSide({ log: log.child('sandbox.stream'), speak: options.sandboxSpeak }),
        log: log.child('sandbox'),
      });
    } catch (err) {
      await surface.close();
      throw err;
    }
  }
  const sandbox = built.sandbox;
  // The carrier's price settles after the call: asked for at growing intervals (sandbox time scaled).
  const sandboxScale = options.sandboxTimeScale ?? 1;
  const prices = new PriceFollowUp({
    unpriced: (since) => repo.listUnpriced(since),
    attempt: (id) => repo.getAttempt(id),
    record: (id, input, key) => void calls.record(id, 'api', input, key),
    providerFor: (attempt) => chooser.providerNamed(attempt.provider),
    checksFor: (attempt) =>
      attempt.provider === 'sandbox' ? PRICE_CHECKS_MS.map((ms) => ms * sandboxScale) : PRICE_CHECKS_MS,
    log: log.child('prices'),
  });
  later.prices = prices;
  // Calls a crash left open are settled now (in the background: a provider may be slow to answer).
  const recovery =
    options.recover === false
      ? Promise.resolve()
      : recoverCalls({
          calls,
          repo,
          providerFor: (attempt) => chooser.providerNamed(attempt.provider),
          log: log.child('recovery'),
        })
          .catch((err: unknown) => log.error('call recovery failed', { err }))
          // Calls ended before this start whose price had not settled are asked again.
          .then(() => {
            try {
              prices.resume();
            } catch (err) {
              log.error('could not resume the price follow-up', { err });
            }
          });
  const tunnels = new TunnelManager({
    settings: () => settings.get().tunnel,
    authtoken: () => settings.secret('tunnel.ngrokAuthtoken'),
    localUrl: surface.localUrl,
    healthPath: new URL(localUrls.health).pathname,
    log,
  });
  const info = (): TelephonyInfo => {
    const tunnel = tunnels.current();
    const url = tunnel.url();
    const choice = chooser.choice();
    return {
      provider: choice.provider?.name ?? 'exotel',
      providerReason: choice.reason,
      localUrls,
      publicUrls: url ? publicUrls(url, secret) : null,
      tunnel: { provider: tunnel.provider, state: tunnel.state() },
      sandboxUrl: sandbox?.url ?? null,
    };
  };

  return {
    exotelBase: `${surface.localUrl}/exotel/${secret}/`,
    voicebotBase: `${surface.localUrl.replace(/^http/, 'ws')}/voicebot/${secret}/`,
    info,
    testConnection: () => chooser.testConnection(),
    placeTestCall: (req) =>
      placeTestCall(
        {
          calls,
          dnc,
          choice: () => chooser.choice(),
          exotel: () => settings.get().exotel,
          urls: (provider) => (provider === 'sandbox' ? localUrls : info().publicUrls),
          account: options.account,
        },
        req,
      ),
    recentCalls: (limit) => repo.listAttempts({ limit }).map(attemptInfo),
    callEvents: (attemptId) =>
      calls.attempt(attemptId) ? calls.events(attemptId).map(eventInfo) : undefined,
    startTunnel: async () => {
      await tunnels.start();
      return info();
    },
    stopTunnel: async () => {
      await tunnels.stop();
      return info();
    },
    tunnelHealth: () => tunnels.health(),
    voicebotCallLink: () => voicebotCallLink(calls, repo),
    setVoicebotHandler: (handler) => surface.setVoicebotHandler(handler),
    dialing: {
      calls,
      repo,
      dnc,
      choice: () => chooser.choice(),
      exotel: () => settings.get().exotel,
      urls: (provider) => (provider === 'sandbox' ? localUrls : info().publicUrls),
      recovered: recovery.then(() => undefined),
    },
    close: async () => {
      await recovery;
      prices.close();
      await prices.idle();
      calls.close();
      await tunnels.stop().catch((err: unknown) => log.warn('tunnel stop failed', { err }));
      await sandbox?.close();
      await surface.close();
    },
  };
}

/**
 * Telephony in a core started without a public surface (a CLI data command): nothing listens, and
 * each telephony method says so instead of half-working.
 */
export function telephonyOff(why: string): Telephony {
  const off = (): never => {
    throw new ApiError({ code: 'unavailable', message: `Telephony is not running here: ${why}` });
  };
  return {
    exotelBase: null,
    voicebotBase: null,
    info: off,
    testConnection: () => Promise.resolve(off()),
    placeTestCall: () => Promise.resolve(off()),
    recentCalls: off,
    callEvents: off,
    startTunnel: () => Promise.resolve(off()),
    stopTunnel: () => Promise.resolve(off()),
    tunnelHealth: () => Promise.resolve(off()),
    voicebotCallLink: off,
    setVoicebotHandler: off,
    dialing: null,
    close: () => Promise.resolve(),
  };
}
