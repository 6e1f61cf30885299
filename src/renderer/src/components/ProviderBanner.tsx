import type React from 'react';
import { useEffect } from 'react';
import { useTelephonyStore } from '../state/telephony-store';

/**
 * On every page: whether calls ring real phones (Exotel) or stay on this machine (the sandbox), and
 * why. Follows telephony.changed and settings.changed through the telephony store.
 */
export function ProviderBanner(): React.JSX.Element | null {
  const info = useTelephonyStore((s) => s.info);
  const load = useTelephonyStore((s) => s.load);
  useEffect(() => {
    if (!useTelephonyStore.getState().info) void load();
  }, [load]);
  if (!info) return null;
  const live = info.provider === 'exotel';
  return (
    <p
      className={`banner provider-banner ${live ? 'provider-banner--live' : 'provider-banner--sandbox'}`}
      role="status"
      data-testid="provider-banner"
      data-provider={info.provider}
    >
      <strong>{live ? 'Live calls' : 'Sandbox'}</strong>
      {live
        ? ': calls go out through Exotel and ring real phones. '
        : ': calls go to the local Exotel sandbox; no real phone rings. '}
      <span className="muted">{info.providerReason}</span>
    </p>
  );
}
