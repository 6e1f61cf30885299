import type { Settings } from '../../shared/settings';
import type {
  CallAttemptInfo,
  CallEventInfo,
  ConnectionCheck,
  TelephonyInfo,
  TestCallResult,
} from '../../shared/telephony';
import type { EventBus } from './api';
import { attemptInfo, eventInfo, failureText } from './phone-views';
import { CallStateService, dialOnce } from './campaigns';
import { normalisePhone } from './contacts';
import type { Logger } from './logging';
import {
  loadOrCreatePublicSecret,
  publicUrls,
  sourceFilter,
  startPublicSurface,
  type PublicSurface,
  type PublicSurfaceLimitsInput,
  type VoicebotHandler,
} from './public-surface';
import type { SecretStore, SettingsService } from './settings';
import { CallsRepository, SettingsRepository, type Db } from './store';
import {
  CalleeScriptSchema,
  createTelephonyProvider,
  exotelStreamSide,
  flowUrl,
  startSandbox,
  type CalleeScript,
  type Sandbox,
  type Speak,
  type TelephonyProvider,
} from './telephony';
import { manualTunnel, ngrokTunnel, TunnelError, type Tunnel } from './tunnel';
import type { VoicebotCallLink } from './voicebot';

export type TelephonyMode = 'auto' | 'sandbox' | 'exotel';

export interface PhoneSystemOptions {
  db: Db;
  settings: SettingsService;
  /** The host's secret store: the public URL secret lives there. */
  secrets: SecretStore;
  events: EventBus;
  log: Logger;
  /** auto: Exotel when its credentials are set, the in-process sandbox otherwise. */
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
}

const SANDBOX_ACCOUNT = 'ACsandbox';
const SANDBOX_CALLER_ID = '+918047000000';
const SANDBOX_FLOW_APP = '1';

/**
 * Telephony as the app runs it: the public surface (callbacks, passthru, voicebot stream) feeding
 * the call state machine, the provider chosen from settings (Exotel or the in-process sandbox), the
 * tunnel, and test calls.
 */
export class PhoneSystem {
  readonly calls: CallStateService;
  private readonly repo: CallsRepository;
  private tunnel: Tunnel | undefined;
  private tunnelKey = '';

  private constructor(
    private readonly options: PhoneSystemOptions,
    readonly surface: PublicSurface,
    private readonly secret: string,
    private readonly sandbox: Sandbox | undefined,
    calls: CallStateService,
    repo: CallsRepository,
  ) {
    this.calls = calls;
    this.repo = repo;
  }

  static async start(options: PhoneSystemOptions): Promise<PhoneSystem> {
    const { db, events, log } = options;
    const repo = new CallsRepository(db);
    const built: { system?: PhoneSystem } = {};
    const calls = new CallStateService(
      repo,
      log.child('calls'),
      (change) =>
        events.emit('call.updated', { attempt: attemptInfo(change.attempt), event: eventInfo(change.event) }),
      // A disputed callback is checked with the provider that placed the call.
      { providerFor: (attempt) => built.system?.providerNamed(attempt.provider) },
    );
    const secret = loadOrCreatePublicSecret(options.secrets, new SettingsRepository(db), log.child('public'));
    const surface = await startPublicSurface({
      secret,
      port: options.publicPort ?? 0,
      limits: options.publicLimits,
      log: log.child('public'),
      handlers: { statusCallback: (cb) => calls.onStatusCallback(cb), passthru: (p) => calls.onPassthru(p) },
      allowSource: sourceFilter(() => {
        const t = options.settings.get().tunnel;
        return { enabled: t.restrictSources, allowed: t.allowedSources };
      }, log.child('public')),
    });
    let sandbox: Sandbox | undefined;
    if (options.mode !== 'exotel') {
      try {
        const urls = publicUrls(surface.localUrl, secret);
        const base = (options.sandboxScript ?? {}) as Partial<CalleeScript>;
        const script = CalleeScriptSchema.parse({
          ...base,
          flows: {
            '*': { passthruUrl: urls.passthru, voicebotUrl: urls.voicebot, agentNumber: '+918000000000' },
          },
        });
        sandbox = await startSandbox({
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
    built.system = new PhoneSystem(options, surface, secret, sandbox, calls, repo);
    return built.system;
  }

  /** `http://127.0.0.1:PORT/exotel/<secret>/` */
  get exotelBase(): string {
    return `${this.surface.localUrl}/exotel/${this.secret}/`;
  }

  /**
   * How the voicebot finds a stream's call attempt (our `attempt` custom parameter in direct-stream
   * mode, else Exotel's CallSid) and records what happens to it in the call state machine.
   */
  voicebotCallLink(): VoicebotCallLink {
    return {
      findAttempt: (start) => {
        const byId = start.customParameters.attempt;
        const attempt =
          (byId ? this.repo.getAttempt(byId) : undefined) ?? this.repo.findByProviderSid(start.callSid);
        return attempt ? { attemptId: attempt.id, contactId: attempt.contactId } : undefined;
      },
      streamStarted: (attemptId) => {
        this.calls.record(attemptId, 'stream', { type: 'stream_started' });
      },
      streamEnded: (attemptId, disconnectedBy) => {
        this.calls.record(attemptId, 'stream', { type: 'stream_ended', disconnectedBy });
      },
      decideTransfer: (attemptId, decision) => {
        this.calls.decideTransfer(attemptId, decision);
      },
    };
  }

  /** The voicebot (another domain) takes over the stream route when it starts. */
  setVoicebotHandler(handler: VoicebotHandler): void {
    this.surface.setVoicebotHandler(handler);
  }

  private exotelCredentials():
    { settings: Settings['exotel']; apiKey: string; apiToken: string } | undefined {
    const settings = this.options.settings.get().exotel;
    const apiKey = this.options.settings.secret('exotel.apiKey');
    const apiToken = this.options.settings.secret('exotel.apiToken');
    if (!settings.accountSid || !apiKey || !apiToken) return undefined;
    return { settings, apiKey, apiToken };
  }

  /** The provider of that name as configured now (a call is checked with the one that placed it). */
  providerNamed(name: string): TelephonyProvider | undefined {
    if (name === 'exotel') {
      const creds = this.exotelCredentials();
      return creds ? createTelephonyProvider({ kind: 'exotel', ...creds }) : undefined;
    }
    if (name !== 'sandbox' || !this.sandbox) return undefined;
    return createTelephonyProvider({
      kind: 'sandbox',
      baseUrl: this.sandbox.url,
      accountSid: SANDBOX_ACCOUNT,
      apiKey: 'sandbox',
      apiToken: 'sandbox',
    });
  }

  /** Which provider a call placed now would use, and why. */
  choice(): { provider: TelephonyProvider; reason: string } | { provider: undefined; reason: string } {
    const exotel = this.options.mode !== 'sandbox' ? this.providerNamed('exotel') : undefined;
    if (exotel) return { provider: exotel, reason: 'Exotel credentials are set' };
    const sandbox = this.providerNamed('sandbox');
    if (sandbox) {
      return {
        provider: sandbox,
        reason:
          this.options.mode === 'sandbox'
            ? 'rehearsal mode (started with --sandbox)'
            : 'no Exotel credentials yet (rehearsal: nothing leaves this machine)',
      };
    }
    return { provider: undefined, reason: 'Set the Exotel account SID, API key and API token in Settings' };
  }

  /**
   * The tunnel for the current settings. A running tunnel is kept until stopped; a stopped or
   * failed one is rebuilt when its settings changed (so a failure stays visible until then).
   */
  private tunnelFor(settings: Settings['tunnel']): Tunnel {
    const authtoken = this.options.settings.secret('tunnel.ngrokAuthtoken');
    const key = `${settings.provider}|${settings.publicUrl}|${authtoken ? 'token' : ''}`;
    if (this.tunnel && (this.tunnel.state().status === 'running' || key === this.tunnelKey))
      return this.tunnel;
    this.tunnelKey = key;
    this.tunnel =
      settings.provider === 'ngrok'
        ? ngrokTunnel({ addr: this.surface.localUrl.replace(/^https?:\/\//, ''), authtoken })
        : manualTunnel(settings.publicUrl);
    return this.tunnel;
  }

  info(): TelephonyInfo {
    const settings = this.options.settings.get().tunnel;
    const tunnel = this.tunnelFor(settings);
    const url = tunnel.url();
    const choice = this.choice();
    return {
      provider: choice.provider?.name ?? 'exotel',
      providerReason: choice.reason,
      localUrls: publicUrls(this.surface.localUrl, this.secret),
      publicUrls: url ? publicUrls(url, this.secret) : null,
      tunnel: { provider: tunnel.provider, state: tunnel.state() },
      sandboxUrl: this.sandbox?.url ?? null,
    };
  }

  async startTunnel(): Promise<TelephonyInfo> {
    const tunnel = this.tunnelFor(this.options.settings.get().tunnel);
    try {
      await tunnel.start();
    } catch (err) {
      if (!(err instanceof TunnelError)) throw err;
      this.options.log.warn('tunnel did not start', { code: err.code, message: err.message });
    }
    return this.info();
  }

  async stopTunnel(): Promise<TelephonyInfo> {
    await this.tunnel?.stop();
    return this.info();
  }

  async tunnelHealth(): Promise<{ ok: boolean; detail: string }> {
    const tunnel = this.tunnelFor(this.options.settings.get().tunnel);
    return tunnel.health(new URL(publicUrls('http://x', this.secret).health).pathname);
  }

  async testConnection(): Promise<ConnectionCheck> {
    const choice = this.choice();
    if (!choice.provider) return { ok: false, provider: 'exotel', detail: choice.reason };
    const result = await choice.provider.checkCredentials();
    return result.kind === 'ok'
      ? {
          ok: true,
          provider: choice.provider.name,
          detail: `${choice.provider.name} accepted the credentials`,
        }
      : { ok: false, provider: choice.provider.name, detail: failureText(result) };
  }

  async placeTestCall(rawNumber: string, mode: 'flow' | 'stream', region: string): Promise<TestCallResult> {
    const phone = normalisePhone(rawNumber, region as Parameters<typeof normalisePhone>[1]);
    if (!phone.ok) throw new PhoneInputError(`${rawNumber}: ${phone.reason}`);
    const choice = this.choice();
    if (!choice.provider) throw new PhoneInputError(choice.reason);
    const exotel = this.options.settings.get().exotel;
    const isSandbox = choice.provider.name === 'sandbox';
    if (!isSandbox && mode === 'flow' && !exotel.flowAppId)
      throw new PhoneInputError('Flow mode needs the flow app id (Settings → Exotel account)');
    if (!isSandbox && !exotel.callerId) throw new PhoneInputError('Set your ExoPhone (caller ID) first');
    const info = this.info();
    const urls = isSandbox ? info.localUrls : info.publicUrls;
    if (!urls) throw new PhoneInputError('Start the tunnel first: Exotel must be able to reach CallDeck');
    const { attempt, result } = await dialOnce(this.calls, choice.provider, {
      number: phone.e164,
      mode,
      callerId: isSandbox ? SANDBOX_CALLER_ID : exotel.callerId,
      flowUrl: flowUrl(
        isSandbox ? SANDBOX_ACCOUNT : exotel.accountSid,
        isSandbox ? SANDBOX_FLOW_APP : exotel.flowAppId,
      ),
      streamUrl: urls.voicebot,
      statusCallbackUrl: urls.statusCallback,
    });
    return {
      attempt: attemptInfo(attempt),
      outcome:
        result.kind === 'accepted'
          ? { ok: true, providerSid: result.sid }
          : { ok: false, kind: result.kind, message: failureText(result) },
    };
  }

  recentCalls(limit: number): CallAttemptInfo[] {
    return this.repo.listAttempts({ limit }).map(attemptInfo);
  }

  callEvents(attemptId: string): CallEventInfo[] | undefined {
    if (!this.calls.attempt(attemptId)) return undefined;
    return this.calls.events(attemptId).map(eventInfo);
  }

  async close(): Promise<void> {
    this.calls.close();
    await this.tunnel?.stop().catch((err: unknown) => this.options.log.warn('tunnel stop failed', { err }));
    await this.sandbox?.close();
    await this.surface.close();
  }
}

/** A test-call request the operator can fix (bad number, missing setting). */
export class PhoneInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PhoneInputError';
  }
}
