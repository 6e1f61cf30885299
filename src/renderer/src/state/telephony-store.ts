import { create } from 'zustand';
import type {
  CallAttemptInfo,
  CallEventInfo,
  ConnectionCheck,
  TelephonyInfo,
  TestCallSetup,
} from '../../../shared/telephony';
import type { BotsView } from '../../../shared/bots';
import { api, errorMessage } from '../api';

interface TestCall {
  attempt: CallAttemptInfo;
  events: CallEventInfo[];
  outcome: { ok: true; providerSid: string } | { ok: false; kind: string; message: string };
}

interface TelephonyState {
  info?: TelephonyInfo;
  error?: string;
  busy: boolean;
  connection?: ConnectionCheck;
  health?: { ok: boolean; detail: string };
  testCall?: TestCall;
  testCallError?: string;
  /** The bot a test call reaches and its variables, prefilled with the bot's example values. */
  setup?: TestCallSetup;
  /** The bots a test call may pick (and the bot files that are broken). */
  bots?: BotsView;
  /** The bot picked for the next test call (undefined: the default bot). */
  botId?: string;
  load: () => Promise<void>;
  /** Picks the bot of the next test call: its variables fill the form. */
  chooseBot: (botId: string) => Promise<void>;
  startTunnel: () => Promise<void>;
  stopTunnel: () => Promise<void>;
  checkHealth: () => Promise<void>;
  testConnection: () => Promise<void>;
  placeTestCall: (
    number: string,
    mode: 'flow' | 'stream',
    variables?: Record<string, string>,
    bot?: string,
  ) => Promise<void>;
  /** Drops the test call's error: the user dismissed it, or changed what caused it. */
  dismissTestCallError: () => void;
  dismissError: () => void;
}

export const useTelephonyStore = create<TelephonyState>((set, get) => {
  const run = async (fn: () => Promise<Partial<TelephonyState>>) => {
    set({ busy: true, error: undefined });
    try {
      set(await fn());
    } catch (err) {
      set({ error: errorMessage(err) });
    } finally {
      set({ busy: false });
    }
  };
  return {
    busy: false,
    load: () =>
      run(async () => {
        const bot = get().botId;
        const [info, setup, bots] = await Promise.all([
          api().telephony.info(),
          api().telephony.testCallSetup(bot ? { bot } : {}),
          api().voicebot.bots(),
        ]);
        // A bot picked while this was on its way is newer than the setup read for the old one: keep it.
        return get().botId === bot ? { info, setup, bots } : { info, bots };
      }),
    chooseBot: (botId) =>
      run(async () => ({ botId, setup: await api().telephony.testCallSetup({ bot: botId }) })),
    startTunnel: () => run(async () => ({ info: await api().tunnel.start(), health: undefined })),
    stopTunnel: () => run(async () => ({ info: await api().tunnel.stop(), health: undefined })),
    checkHealth: () => run(async () => ({ health: await api().tunnel.health() })),
    testConnection: () => run(async () => ({ connection: await api().telephony.testConnection() })),
    async placeTestCall(number, mode, variables, bot) {
      set({ busy: true, testCallError: undefined });
      try {
        const result = await api().telephony.placeTestCall({ number, mode, variables, bot });
        const events = await api().telephony.callEvents({ attemptId: result.attempt.id });
        set((s) => ({
          // Events may already have arrived by push; keep whichever list is longer.
          testCall: {
            attempt: s.testCall?.attempt.id === result.attempt.id ? s.testCall.attempt : result.attempt,
            events:
              s.testCall?.attempt.id === result.attempt.id && s.testCall.events.length > events.length
                ? s.testCall.events
                : events,
            outcome: result.outcome,
          },
        }));
      } catch (err) {
        set({ testCallError: errorMessage(err) });
      } finally {
        set({ busy: false });
      }
    },
    dismissTestCallError: () => {
      if (get().testCallError !== undefined) set({ testCallError: undefined });
    },
    dismissError: () => set({ error: undefined }),
  };
});

/** The test call as the core has it now: after pushes were lost, its state and every event. */
async function refreshTestCall(): Promise<void> {
  const id = useTelephonyStore.getState().testCall?.attempt.id;
  if (!id) return;
  try {
    const [events, recent] = await Promise.all([
      api().telephony.callEvents({ attemptId: id }),
      api().telephony.recentCalls({ limit: 50 }),
    ]);
    const attempt = recent.find((c) => c.id === id);
    useTelephonyStore.setState((s) =>
      s.testCall?.attempt.id === id
        ? { testCall: { ...s.testCall, attempt: attempt ?? s.testCall.attempt, events } }
        : s,
    );
  } catch (err) {
    useTelephonyStore.setState({ testCallError: errorMessage(err) });
  }
}

let subscribed = false;
/** Pushes: tunnel/provider changes, and each event of the test call as the state machine records it. */
export function startTelephonyFeed(): void {
  if (subscribed) return;
  subscribed = true;
  api().on('telephony.changed', (info) => useTelephonyStore.setState({ info }));
  api().onResync(() => {
    void useTelephonyStore.getState().load();
    void refreshTestCall();
  });
  api().on('settings.changed', () => void useTelephonyStore.getState().load());
  api().on('call.updated', ({ attempt, event }) =>
    useTelephonyStore.setState((s) => {
      if (!s.testCall || s.testCall.attempt.id !== attempt.id) return s;
      if (s.testCall.events.some((e) => e.seq === event.seq)) return { testCall: { ...s.testCall, attempt } };
      return { testCall: { ...s.testCall, attempt, events: [...s.testCall.events, event] } };
    }),
  );
}
