import type React from 'react';
import { useEffect, useState } from 'react';
import type { BotsView } from '../../../shared/bots';
import { api, errorMessage } from '../api';
import { CampaignForm } from '../campaigns/CampaignForm';
import { CampaignPanel } from '../campaigns/CampaignPanel';
import { ErrorBanner } from '../components/ErrorBanner';
import { ExportControl } from '../components/reports/ExportControl';
import '../campaigns/campaigns.css';
import { useCampaignsStore } from '../state/campaigns-store';
import { useListsStore } from '../state/lists-store';
import { useSettingsStore } from '../state/settings-store';
import { formatDateTime } from '../format';

/** Campaigns: create one from a list, see its forecast, start, pause, resume or cancel it, watch it run. */
export function CampaignsPage(): React.JSX.Element {
  const { campaigns, selectedId, error, load, select, dismissError } = useCampaignsStore();
  const lists = useListsStore((s) => s.lists);
  const loadLists = useListsStore((s) => s.loadLists);
  const settings = useSettingsStore();
  const limit = settings.view?.settings.calling.callsPerMinuteLimit;
  const loadSettings = settings.load;
  const [bots, setBots] = useState<BotsView>();
  const [botsError, setBotsError] = useState<string>();
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    void load();
    void loadLists();
    void loadSettings();
    api()
      .voicebot.bots()
      .then(setBots)
      .catch((err: unknown) => setBotsError(errorMessage(err)));
  }, [load, loadLists, loadSettings]);
  const selected = campaigns.find((c) => c.id === selectedId) ?? campaigns[0];

  return (
    <div className="page campaigns">
      <header className="page__header">
        <h1>Campaigns</h1>
        <p className="muted">
          A list, a bot and a calling window; CallDeck dials at the pace the account allows, retries what the
          policy says, and tells you when it will finish before it starts.
        </p>
      </header>
      {error && <ErrorBanner message={error} onDismiss={dismissError} />}
      {botsError && <ErrorBanner message={botsError} onDismiss={() => setBotsError(undefined)} />}
      <div className="toolbar">
        <button type="button" onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
          {creating ? 'Close the form' : 'New campaign'}
        </button>
      </div>
      {creating && bots && limit !== undefined && (
        <CampaignForm
          lists={lists}
          bots={bots.bots}
          defaultBot={bots.defaultBotId ?? bots.bots[0]?.id ?? ''}
          callsPerMinuteLimit={limit}
          onCreated={(c) => {
            useCampaignsStore.getState().upsert(c);
            select(c.id);
            setCreating(false);
          }}
        />
      )}
      <table className="table table--compact" data-testid="campaigns-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>State</th>
            <th>Contacts</th>
            <th>Done</th>
            <th>Calls</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {campaigns.map((c) => (
            <tr key={c.id} className={c.id === selected?.id ? 'row--selected' : undefined}>
              <td>
                <button type="button" className="link" onClick={() => select(c.id)}>
                  {c.name}
                </button>
              </td>
              <td>
                <span className={`badge campaign-state campaign-state--${c.state}`}>{c.state}</span>
              </td>
              <td>{c.counters.contacts}</td>
              <td>{c.counters.byStatus.done + c.counters.byStatus.skipped}</td>
              <td>{c.counters.attempts}</td>
              <td>{formatDateTime(c.createdAt)}</td>
            </tr>
          ))}
          {campaigns.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No campaigns yet: import a contact list, then create one here.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {selected && (
        <ExportControl
          key={`export-${selected.id}`}
          scope={{ kind: 'campaign', campaignId: selected.id }}
          label={`Export campaign ${selected.name}`}
        />
      )}
      {selected && <CampaignPanel key={selected.id} c={selected} />}
    </div>
  );
}
