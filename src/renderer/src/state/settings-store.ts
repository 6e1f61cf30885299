import { create } from 'zustand';
import type { Settings, SettingsSection, SettingsView, SecretName } from '../../../shared/settings';
import { api, errorMessage } from '../api';

interface SettingsState {
  view: SettingsView | undefined;
  loadError: string | undefined;
  load: () => Promise<void>;
  save: <S extends SettingsSection>(section: S, values: Settings[S]) => Promise<void>;
  setSecret: (name: SecretName, value: string | null) => Promise<void>;
}

export const useSettingsStore = create<SettingsState>((set) => ({
  view: undefined,
  loadError: undefined,
  async load() {
    try {
      set({ view: await api().settings.get(), loadError: undefined });
    } catch (err) {
      set({ loadError: errorMessage(err) });
    }
  },
  async save(section, values) {
    // Discriminated by section; the cast is the one place the generic meets the union.
    const view = await api().settings.update({ section, values } as Parameters<
      ReturnType<typeof api>['settings']['update']
    >[0]);
    set({ view });
  },
  async setSecret(name, value) {
    set({ view: await api().settings.setSecret({ name, value }) });
  },
}));

let subscribed = false;
/** Fed by pushes at module scope: changes from another window or tab show up here too. */
export function startSettingsFeed(): void {
  if (subscribed) return;
  subscribed = true;
  api().on('settings.changed', (view) => useSettingsStore.setState({ view }));
  api().onResync(() => void useSettingsStore.getState().load());
}
