import type React from 'react';
import { useEffect } from 'react';
import { CallingSection } from '../components/settings/CallingSection';
import { DataCareSection } from '../components/settings/DataCareSection';
import { RetentionSection } from '../components/settings/RetentionSection';
import { ExotelSection } from '../components/settings/ExotelSection';
import { SpeechSection } from '../components/settings/SpeechSection';
import { TunnelSection } from '../components/settings/TunnelSection';
import { TelephonyPanel } from '../components/TelephonyPanel';
import { useSettingsStore } from '../state/settings-store';

export function SettingsPage(): React.JSX.Element {
  const view = useSettingsStore((s) => s.view);
  const loadError = useSettingsStore((s) => s.loadError);
  const load = useSettingsStore((s) => s.load);
  const save = useSettingsStore((s) => s.save);

  useEffect(() => {
    void load();
  }, [load]);

  if (loadError) return <p className="banner banner--error">Cannot load settings: {loadError}</p>;
  if (!view) return <p className="muted">Loading settings…</p>;
  const { settings } = view;

  return (
    <div className="page">
      <header className="page__header">
        <h1>Settings</h1>
        <p className="muted">
          Secrets are kept by this computer&apos;s keychain (or a private file when headless), never in the
          database, and are only ever shown as set or not set.
        </p>
      </header>

      <ExotelSection saved={settings.exotel} save={(v) => save('exotel', v)} />
      <CallingSection saved={settings.calling} save={(v) => save('calling', v)} />
      <SpeechSection saved={settings.speech} save={(v) => save('speech', v)} />
      <TunnelSection saved={settings.tunnel} save={(v) => save('tunnel', v)} />
      <TelephonyPanel />
      <section aria-labelledby="settings-data">
        <h2 id="settings-data">Data</h2>
        <RetentionSection />
        <DataCareSection />
      </section>
    </div>
  );
}
