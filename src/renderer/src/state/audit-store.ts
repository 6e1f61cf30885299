import { create } from 'zustand';
import type { ArtifactRef } from '../../../shared/artifacts';
import type {
  AuditEntry,
  AuditFacets,
  AuditFilter,
  AuditPage,
  AuditVerifyResult,
} from '../../../shared/audit';
import { api, errorMessage } from '../api';

const PAGE = 100;

interface AuditState {
  entries: AuditEntry[];
  total: number;
  labels: NonNullable<AuditPage['labels']>;
  starts: NonNullable<AuditPage['starts']>;
  filter: AuditFilter;
  facets: AuditFacets;
  error: string | undefined;
  verifying: boolean;
  verification: AuditVerifyResult | undefined;
  exporting: boolean;
  exported: { rows: number; artifact: ArtifactRef } | undefined;
  loadLatest: () => Promise<void>;
  loadOlder: () => Promise<void>;
  setFilter: (filter: AuditFilter) => Promise<void>;
  verify: () => Promise<void>;
  exportCsv: () => Promise<{ rows: number; artifact: ArtifactRef } | undefined>;
}

/** The filter as the Api takes it: empty fields dropped. */
function requestOf(f: AuditFilter): AuditFilter {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== ''));
}

/** Whether a pushed row belongs on the page under its filter (the server's rules, client side). */
export function matchesFilter(e: AuditEntry, f: AuditFilter): boolean {
  return (
    (!f.actor || e.actor === f.actor) &&
    (!f.action || e.action === f.action) &&
    (!f.subject || e.subject.startsWith(f.subject)) &&
    (!f.from || e.at >= f.from) &&
    (!f.to || e.at < f.to)
  );
}

export const useAuditStore = create<AuditState>((set, get) => ({
  entries: [],
  total: 0,
  labels: {},
  starts: {},
  filter: {},
  facets: { actors: [], actions: [] },
  error: undefined,
  verifying: false,
  verification: undefined,
  exporting: false,
  exported: undefined,
  async loadLatest() {
    const filter = get().filter;
    try {
      const [page, facets] = await Promise.all([
        api().audit.list({ ...requestOf(filter), limit: PAGE }),
        api().audit.facets({}),
      ]);
      // A newer filter was set meanwhile: its own load wins.
      if (get().filter !== filter) return;
      set({
        entries: page.entries,
        total: page.total,
        labels: page.labels ?? {},
        starts: page.starts ?? {},
        facets,
        error: undefined,
      });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async loadOlder() {
    const oldest = get().entries.at(-1);
    if (!oldest) return;
    const filter = get().filter;
    try {
      const page = await api().audit.list({ ...requestOf(filter), beforeSeq: oldest.seq, limit: PAGE });
      if (get().filter !== filter) return;
      set((s) => ({
        entries: [...s.entries, ...page.entries],
        total: page.total,
        labels: { ...s.labels, ...page.labels },
        starts: { ...s.starts, ...page.starts },
      }));
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async setFilter(filter) {
    set({ filter, exported: undefined });
    await get().loadLatest();
  },
  async verify() {
    set({ verifying: true });
    try {
      set({ verification: await api().audit.verify({}), error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    } finally {
      set({ verifying: false });
    }
  },
  async exportCsv() {
    set({ exporting: true, exported: undefined });
    try {
      const exported = await api().audit.exportCsv(requestOf(get().filter));
      set({ exported, error: undefined });
      return exported;
    } catch (err) {
      set({ error: errorMessage(err) });
      return undefined;
    } finally {
      set({ exporting: false });
    }
  },
}));

let subscribed = false;
export function startAuditFeed(): void {
  if (subscribed) return;
  subscribed = true;
  // Pushes were lost (see Api.onResync): read the newest page again.
  api().onResync(() => void useAuditStore.getState().loadLatest());
  api().on('audit.appended', (entry) => {
    const s = useAuditStore.getState();
    if (s.entries.some((e) => e.seq === entry.seq)) return;
    if (!matchesFilter(entry, s.filter)) {
      useAuditStore.setState({ verification: undefined });
      return;
    }
    useAuditStore.setState({ entries: [entry, ...s.entries], total: s.total + 1, verification: undefined });
    // Its subject's name and the start row it ends come with a one-row page.
    if (!(entry.subject in s.labels) || entry.payload.includes('"startSeq"'))
      void api()
        .audit.list({ ...requestOf(s.filter), beforeSeq: entry.seq + 1, limit: 1 })
        .then((page) =>
          useAuditStore.setState((cur) => ({
            labels: { ...cur.labels, ...page.labels },
            starts: { ...cur.starts, ...page.starts },
          })),
        )
        .catch((err: unknown) => useAuditStore.setState({ error: errorMessage(err) }));
  });
}
