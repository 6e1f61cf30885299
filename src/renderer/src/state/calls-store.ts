import { create } from 'zustand';
import type { BoardCall } from '../../../shared/call-board';
import type { CallAttemptInfo, CallEventInfo } from '../../../shared/telephony';
import { isTerminal } from '../../../shared/telephony';
import { api, errorMessage } from '../api';

/** Rows the board keeps (newest first); older ones drop off the end. */
export const BOARD_LIMIT = 20_000;
/** Pushes are applied together at most this often, so 50 events a second cost a few renders. */
const FLUSH_MS = 50;
/** Ids per calls.board request (the Api's cap). */
const FETCH_CHUNK = 1000;

interface CallsState {
  /** Every call on the board, newest first. */
  calls: BoardCall[];
  selectedId?: string;
  events: CallEventInfo[];
  error?: string;
  /** The campaign the board shows (undefined: every call); set from a campaign's page. */
  campaignId?: string;
  showCampaign: (campaignId: string | undefined) => void;
  load: () => Promise<void>;
  select: (id: string | undefined) => Promise<void>;
}

const bare = (a: CallAttemptInfo): BoardCall => ({
  ...a,
  campaignId: null,
  contactName: null,
  attemptNo: null,
  disposition: null,
  latencyMs: null,
  flags: [],
});

export const useCallsStore = create<CallsState>((set) => ({
  calls: [],
  events: [],
  showCampaign: (campaignId) => set({ campaignId }),
  async load() {
    try {
      set({ calls: await api().calls.board({ limit: BOARD_LIMIT }), error: undefined });
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

/** Pushed attempts waiting for the next flush, and rows to read again (new, or the bot's facts moved). */
const pending = new Map<string, CallAttemptInfo>();
const stale = new Set<string>();
/**
 * Campaign calls that ended recently, by id: their campaign and when. The dialer settles a finished
 * attempt (its outcome check's flags) and then announces the campaign, so each campaign.updated re-reads
 * them, for a while (another attempt's announcement may come first).
 */
const unsettled = new Map<string, { campaignId: string; at: number }>();
const SETTLE_MS = 30_000;
let timer: ReturnType<typeof setTimeout> | undefined;

function schedule(): void {
  timer ??= setTimeout(() => {
    timer = undefined;
    flush();
  }, FLUSH_MS);
}

/** Applies the pushed attempts in one store update; new calls go on top. */
function flush(): void {
  if (pending.size > 0) {
    const updates = new Map(pending);
    pending.clear();
    useCallsStore.setState((s) => {
      const calls = s.calls.map((c) => {
        const a = updates.get(c.id);
        if (!a) return c;
        updates.delete(c.id);
        return { ...c, ...a };
      });
      const added = [...updates.values()].map(bare).reverse();
      return { calls: added.length ? [...added, ...calls].slice(0, BOARD_LIMIT) : calls };
    });
  }
  if (stale.size > 0) {
    const ids = [...stale];
    stale.clear();
    for (let i = 0; i < ids.length; i += FETCH_CHUNK) void refetch(ids.slice(i, i + FETCH_CHUNK));
  }
}

/** Reads rows again from the core: contact, attempt number, disposition, latency, flags. */
async function refetch(attemptIds: string[]): Promise<void> {
  try {
    const rows = await api().calls.board({ attemptIds, limit: attemptIds.length });
    const byId = new Map(rows.map((r) => [r.id, r]));
    useCallsStore.setState((s) => ({
      // The state machine's latest push wins over a read that may have left before it.
      calls: s.calls.map((c) => {
        const r = byId.get(c.id);
        return r ? merge(c, r) : c;
      }),
    }));
  } catch (err) {
    useCallsStore.setState({ error: errorMessage(err) });
  }
}

/** The read row's facts about the contact and the bot, on the newer of the two call states. */
const merge = (shown: BoardCall, read: BoardCall): BoardCall =>
  shown.updatedAt > read.updatedAt
    ? {
        ...shown,
        campaignId: read.campaignId,
        contactName: read.contactName,
        attemptNo: read.attemptNo,
        disposition: read.disposition,
        latencyMs: read.latencyMs,
        flags: read.flags,
      }
    : read;

const known = (id: string | null): id is string =>
  id !== null && useCallsStore.getState().calls.some((c) => c.id === id);

let subscribed = false;
/** The board follows pushes only (never polls): call.updated moves rows, bot events refresh their facts. */
export function startCallsFeed(): void {
  if (subscribed) return;
  subscribed = true;
  // Pushes were lost (see Api.onResync): the board and the open timeline are read again.
  api().onResync(() => {
    const { load, select, selectedId } = useCallsStore.getState();
    void load();
    if (selectedId) void select(selectedId);
  });
  api().on('call.updated', ({ attempt, event }) => {
    const isNew =
      !pending.has(attempt.id) && !useCallsStore.getState().calls.some((c) => c.id === attempt.id);
    pending.set(attempt.id, attempt);
    // A new call's contact and attempt number, and a finished call's flags, come from the core.
    if (isNew || isTerminal(attempt.state)) stale.add(attempt.id);
    const campaignId = useCallsStore.getState().calls.find((c) => c.id === attempt.id)?.campaignId;
    if (campaignId && isTerminal(attempt.state)) unsettled.set(attempt.id, { campaignId, at: Date.now() });
    schedule();
    useCallsStore.setState((s) =>
      s.selectedId === attempt.id && !s.events.some((e) => e.seq === event.seq)
        ? { events: [...s.events, event] }
        : s,
    );
  });
  const botMoved = ({ attemptId }: { attemptId: string | null }) => {
    if (!known(attemptId)) return;
    stale.add(attemptId);
    schedule();
  };
  api().on('voicebot.sessionEnded', botMoved);
  api().on('campaign.updated', ({ campaign }) => {
    const now = Date.now();
    for (const [id, u] of unsettled) {
      if (now - u.at > SETTLE_MS) unsettled.delete(id);
      else if (u.campaignId === campaign.id) stale.add(id);
    }
    if (stale.size > 0) schedule();
  });
  api().on('voicebot.turn', (e) => {
    if (e.voiceToVoiceMs !== null) botMoved(e);
  });
}
