import type { Settings } from '../../../shared/settings';
import { ExotelClient } from './exotel/client';
import { exotelApiBase } from './exotel/wire';
import type { TelephonyProvider } from './types';

export type ProviderChoice =
  | { kind: 'exotel'; settings: Settings['exotel']; apiKey: string; apiToken: string; timeoutMs?: number }
  /** The sandbox speaks Exotel's wire format, so the same client talks to it at its loopback URL. */
  | {
      kind: 'sandbox';
      baseUrl: string;
      accountSid: string;
      apiKey: string;
      apiToken: string;
      timeoutMs?: number;
    };

/** Picks the provider: real Exotel when credentials are set, the local sandbox otherwise. */
export function createTelephonyProvider(choice: ProviderChoice): TelephonyProvider {
  switch (choice.kind) {
    case 'exotel':
      return new ExotelClient({
        name: 'exotel',
        baseUrl: exotelApiBase(choice.settings.host),
        accountSid: choice.settings.accountSid,
        apiKey: choice.apiKey,
        apiToken: choice.apiToken,
        timeoutMs: choice.timeoutMs,
      });
    case 'sandbox':
      return new ExotelClient({
        name: 'sandbox',
        baseUrl: choice.baseUrl,
        accountSid: choice.accountSid,
        apiKey: choice.apiKey,
        apiToken: choice.apiToken,
        timeoutMs: choice.timeoutMs,
      });
  }
}
