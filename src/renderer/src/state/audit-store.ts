import { create } from 'zustand';
import type { AuditEntry, AuditVerifyResult } from '../../../shared/audit';
import { api, errorMessage } from '../api';

const PAGE = 100;

interface AuditState {
  entries: AuditEntry[];
  total: number;
  error: string | undefined;
  verifying: boolean;
  verification: AuditVerifyResult | undefined;
  loadLatest: () => Promise<void>;
  loadOlder: () => Promise<void>;
  verify: () => Promise<void>;
}

export const useAuditStore = create<AuditState>((set, get) => ({
  entries: [],
  total: 0,
  error: undefined,
  verifying: false,
  verification: undefined,
  async loadLatest() {
    try {
      const page = await api().audit.list({ limit: PAGE });
      set({ entries: page.entries, total: page.total, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async loadOlder() {
    const oldest = get().entries.at(-1);
    if (!oldest) return;
    try {
      const page = await api().audit.list({ beforeSeq: oldest.seq, limit: PAGE });
      set((s) => ({ entries: [...s.entries, ...page.entries], total: page.total }));
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async verify() {
    set({ verifying: true });
    try {
      set({ verification: await api().audit.verify(), error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    } finally {
      set({ verifying: false });
    }
  },
}));

let subscribed = false;
export function startAuditFeed(): void {
  if (subscribed) return;
  subscribed = true;
  // Pushes were lost (see Api.onResync): read the newest page again.
  api().onResync(() => void useAuditStore.getState().loadLatest());
  api().on('audit.appended', (entry) =>
    useAuditStore.setState((s) =>
      s.entries.some((e) => e.seq === entry.seq)
        ? s
        : { entries: [entry, ...s.entries], total: s.total + 1, verification: undefined },
    ),
  );
}
