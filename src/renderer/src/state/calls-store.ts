import { create } from 'zustand';
import type { CallAttemptInfo, CallEventInfo } from '../../../shared/telephony';
import { api, errorMessage } from '../api';

const LIMIT = 200;

interface CallsState {
  calls: CallAttemptInfo[];
  selectedId?: string;
  events: CallEventInfo[];
  error?: string;
  load: () => Promise<void>;
  select: (id: string | undefined) => Promise<void>;
}

export const useCallsStore = create<CallsState>((set) => ({
  calls: [],
  events: [],
  async load() {
    try {
      set({ calls: await api().telephony.recentCalls({ limit: LIMIT }), error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async select(id) {
    set({ selectedId: id, events: [] });
    if (!id) return;
    try {
      const events = await api().telephony.callEvents({ attemptId: id });
      // A push may have raced the fetch: keep the longer, ordered by seq.
      set((s) => (s.selectedId === id && s.events.length <= events.length ? { events } : s));
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
}));

let subscribed = false;
/** Every state-machine event updates the board: the call's row, and its timeline when open. */
export function startCallsFeed(): void {
  if (subscribed) return;
  subscribed = true;
  // Pushes were lost (see Api.onResync): the board and the open timeline are read again.
  api().onResync(() => {
    const { load, select, selectedId } = useCallsStore.getState();
    void load();
    if (selectedId) void select(selectedId);
  });
  api().on('call.updated', ({ attempt, event }) =>
    useCallsStore.setState((s) => {
      const known = s.calls.some((c) => c.id === attempt.id);
      const calls = known
        ? s.calls.map((c) => (c.id === attempt.id ? attempt : c))
        : [attempt, ...s.calls].slice(0, LIMIT);
      const events =
        s.selectedId === attempt.id && !s.events.some((e) => e.seq === event.seq)
          ? [...s.events, event]
          : s.events;
      return { calls, events };
    }),
  );
}
