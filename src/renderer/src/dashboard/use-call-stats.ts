import { useEffect, useState } from 'react';
import type { CallStats } from '../../../shared/call-stats';
import { api, errorMessage } from '../api';

/** At most one statistics read per this interval, however many calls move. */
const REFRESH_MS = 1000;

/**
 * The core's statistics for one campaign or every call, read again when calls move or the bot ends a
 * session (pushed events; never a timer while nothing happens), and on a resync.
 */
export function useCallStats(campaignId?: string): { stats?: CallStats; error?: string } {
  const [state, setState] = useState<{ stats?: CallStats; error?: string }>({});
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const read = async () => {
      last = Date.now();
      try {
        const stats = await api().calls.stats(campaignId === undefined ? {} : { campaignId });
        if (alive) setState({ stats });
      } catch (err) {
        if (alive) setState((s) => ({ ...s, error: errorMessage(err) }));
      }
    };
    const soon = () => {
      if (timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          void read();
        },
        Math.max(0, last + REFRESH_MS - Date.now()),
      );
    };
    void read();
    const offs = [
      api().on('call.updated', soon),
      api().on('voicebot.sessionEnded', soon),
      api().onResync(soon),
    ];
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
      for (const off of offs) off();
    };
  }, [campaignId]);
  return state;
}
