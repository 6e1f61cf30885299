import type { Settings } from '../../../shared/settings';
import type { ConnectionCheck } from '../../../shared/telephony';
import { failureText } from './failure-text';
import { createTelephonyProvider } from './provider';
import type { TelephonyProvider } from './types';

/** auto: Exotel when its credentials are set, the in-process sandbox otherwise. */
export type TelephonyMode = 'auto' | 'sandbox' | 'exotel';

/** The in-process sandbox's fixed account: it accepts any credentials, so these are not secrets. */
export const SANDBOX_ACCOUNT = 'ACsandbox';
export const SANDBOX_CALLER_ID = '+918047000000';
export const SANDBOX_FLOW_APP = '1';

export interface ExotelCredentials {
  settings: Settings['exotel'];
  apiKey: string;
  apiToken: string;
}

export interface ProviderChoiceOptions {
  mode: TelephonyMode;
  /** The Exotel account as configured now (settings and the two secrets). */
  exotel: () => { settings: Settings['exotel']; apiKey?: string; apiToken?: string };
  /** The in-process sandbox's REST base, when it runs. */
  sandboxUrl: () => string | undefined;
}

export type Choice =
  { provider: TelephonyProvider; reason: string } | { provider: undefined; reason: string };

/** Which telephony provider a call uses: chosen from the settings each time, never cached. */
export class ProviderChooser {
  constructor(private readonly o: ProviderChoiceOptions) {}

  get mode(): TelephonyMode {
    return this.o.mode;
  }

  /** The Exotel account, when its SID, API key and token are all set. */
  exotelCredentials(): ExotelCredentials | undefined {
    const { settings, apiKey, apiToken } = this.o.exotel();
    if (!settings.accountSid || !apiKey || !apiToken) return undefined;
    return { settings, apiKey, apiToken };
  }

  /** The provider of that name as configured now (a call is checked with the one that placed it). */
  providerNamed(name: string): TelephonyProvider | undefined {
    if (name === 'exotel') {
      const creds = this.exotelCredentials();
      return creds ? createTelephonyProvider({ kind: 'exotel', ...creds }) : undefined;
    }
    const baseUrl = this.o.sandboxUrl();
    if (name !== 'sandbox' || !baseUrl) return undefined;
    return createTelephonyProvider({
      kind: 'sandbox',
      baseUrl,
      accountSid: SANDBOX_ACCOUNT,
      apiKey: 'sandbox',
      apiToken: 'sandbox',
    });
  }

  /** Which provider a call placed now would use, and why. */
  choice(): Choice {
    const exotel = this.o.mode !== 'sandbox' ? this.providerNamed('exotel') : undefined;
    if (exotel) return { provider: exotel, reason: 'Exotel credentials are set' };
    const sandbox = this.providerNamed('sandbox');
    if (sandbox) {
      return {
        provider: sandbox,
        reason:
          this.o.mode === 'sandbox'
            ? 'rehearsal mode (started with --sandbox)'
            : 'no Exotel credentials yet (rehearsal: nothing leaves this machine)',
      };
    }
    return { provider: undefined, reason: 'Set the Exotel account SID, API key and API token in Settings' };
  }

  /**
   * Checks the provider calls would use now. The sandbox needs no account, so its check says that
   * (and that it answers), never that it "accepted the credentials".
   */
  async testConnection(): Promise<ConnectionCheck> {
    const choice = this.choice();
    if (!choice.provider) return { ok: false, provider: 'exotel', detail: choice.reason };
    const name = choice.provider.name;
    const result = await choice.provider.checkCredentials();
    if (result.kind !== 'ok') return { ok: false, provider: name, detail: failureText(result) };
    return {
      ok: true,
      provider: name,
      detail:
        name === 'sandbox'
          ? 'Sandbox: no Exotel account needed; calls stay on this machine'
          : 'Exotel accepted the credentials',
    };
  }
}
