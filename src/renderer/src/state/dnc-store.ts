import { create } from 'zustand';
import type { DncEntry } from '../../../shared/contacts';
import { api, errorMessage } from '../api';

interface DncState {
  entries: DncEntry[];
  total: number;
  loadError?: string;
  load: () => Promise<void>;
}

export const useDncStore = create<DncState>((set) => ({
  entries: [],
  total: 0,
  async load() {
    try {
      const page = await api().dnc.list({ limit: 500 });
      set({ entries: page.entries, total: page.total, loadError: undefined });
    } catch (err) {
      set({ loadError: errorMessage(err) });
    }
  },
}));

let subscribed = false;
export function startDncFeed(): void {
  if (subscribed) return;
  subscribed = true;
  api().on('dnc.changed', () => void useDncStore.getState().load());
  api().onResync(() => void useDncStore.getState().load());
}
