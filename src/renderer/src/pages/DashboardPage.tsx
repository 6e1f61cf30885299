import type React from 'react';
import { CallStatsPanel } from '../dashboard/CallStatsPanel';

/** Every call's statistics: outcomes, rates, talk time, transfers, dispositions, latency, flags. */
export function DashboardPage(): React.JSX.Element {
  return (
    <div className="page">
      <header className="page__header">
        <h1>Dashboard</h1>
        <p className="muted">
          Every call, test calls and campaigns together, computed by the core; it follows the calls as they
          move.
        </p>
      </header>
      <CallStatsPanel />
    </div>
  );
}
