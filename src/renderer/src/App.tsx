import type React from 'react';
import { useEffect, useState } from 'react';
import { JobsTray } from './components/jobs/JobsTray';
import { ProviderBanner } from './components/ProviderBanner';
import { AuditPage } from './pages/AuditPage';
import { CallsPage } from './pages/CallsPage';
import { CampaignsPage } from './pages/CampaignsPage';
import { DashboardPage } from './pages/DashboardPage';
import { DncPage } from './pages/DncPage';
import { ListsPage } from './pages/ListsPage';
import { QaPage } from './pages/QaPage';
import { SettingsPage } from './pages/SettingsPage';

const ROUTES = {
  campaigns: { label: 'Campaigns', page: CampaignsPage },
  calls: { label: 'Calls', page: CallsPage },
  dashboard: { label: 'Dashboard', page: DashboardPage },
  lists: { label: 'Contact lists', page: ListsPage },
  dnc: { label: 'Do not call', page: DncPage },
  qa: { label: 'QA', page: QaPage },
  settings: { label: 'Settings', page: SettingsPage },
  audit: { label: 'Audit log', page: AuditPage },
} as const;
type Route = keyof typeof ROUTES;

const routeFromHash = (): Route => {
  const key = window.location.hash.replace(/^#\/?/, '');
  return key in ROUTES ? (key as Route) : 'lists';
};

export function App(): React.JSX.Element {
  const [route, setRoute] = useState<Route>(routeFromHash);
  useEffect(() => {
    const onHash = () => setRoute(routeFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const Page = ROUTES[route].page;
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <div className="nav__brand">CallDeck</div>
        {(Object.keys(ROUTES) as Route[]).map((key) => (
          <a
            key={key}
            href={`#/${key}`}
            className={key === route ? 'nav__link nav__link--active' : 'nav__link'}
            aria-current={key === route ? 'page' : undefined}
          >
            {ROUTES[key].label}
          </a>
        ))}
      </nav>
      <div>
        <header className="topbar">
          <ProviderBanner />
          <JobsTray />
        </header>
        <main className="content">
          <Page />
        </main>
      </div>
    </div>
  );
}
