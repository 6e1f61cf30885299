import { create } from 'zustand';
import type { CampaignDetail } from '../../../shared/campaigns';
import { api, errorMessage } from '../api';

interface CampaignsState {
  campaigns: CampaignDetail[];
  selectedId?: string;
  error?: string;
  load: () => Promise<void>;
  select: (id: string | undefined) => void;
  /** pause / resume / cancel / start: the core moves the campaign; campaign.updated brings it back. */
  act: (action: 'start' | 'pause' | 'resume' | 'cancel', campaignId: string) => Promise<void>;
  upsert: (c: CampaignDetail) => void;
  dismissError: () => void;
}

const upsert = (list: CampaignDetail[], c: CampaignDetail): CampaignDetail[] =>
  list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [c, ...list];

export const useCampaignsStore = create<CampaignsState>((set) => ({
  campaigns: [],
  async load() {
    try {
      set({ campaigns: await api().campaigns.list({}), error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  select: (selectedId) => set({ selectedId }),
  async act(action, campaignId) {
    askNotificationPermission();
    try {
      const c = await api().campaigns[action]({ campaignId });
      set((s) => ({ campaigns: upsert(s.campaigns, c), error: undefined }));
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  upsert: (c) => set((s) => ({ campaigns: upsert(s.campaigns, c) })),
  dismissError: () => set({ error: undefined }),
}));

/** Browsers ask only after a user gesture: starting or resuming a campaign is one. */
function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default')
    void Notification.requestPermission();
}

/** A desktop notification (the page's Notification API; Electron's renderer has the same). */
function notifyCompleted(c: CampaignDetail): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const o = c.counters.byOutcome;
  new Notification(`Campaign ${c.name} completed`, {
    body: `${c.counters.attempts} calls: ${o.answered} answered, ${o.busy} busy, ${o.no_answer} no answer, ${o.failed} failed`,
    tag: `campaign-${c.id}`,
  });
}

let subscribed = false;
/** Campaigns follow campaign.updated; a campaign that moves to completed raises a desktop notification. */
export function startCampaignsFeed(): void {
  if (subscribed) return;
  subscribed = true;
  // Loaded up front: a campaign completing while another page is open still notifies.
  void useCampaignsStore.getState().load();
  api().onResync(() => void useCampaignsStore.getState().load());
  api().on('campaign.updated', ({ campaign }) => {
    const before = useCampaignsStore.getState().campaigns.find((c) => c.id === campaign.id);
    useCampaignsStore.getState().upsert(campaign);
    if (campaign.state === 'completed' && before && before.state !== 'completed') notifyCompleted(campaign);
  });
}
