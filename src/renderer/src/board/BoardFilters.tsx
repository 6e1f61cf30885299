import type React from 'react';
import type { CampaignInfo } from '../../../shared/campaigns';
import { CALL_STATES } from '../../../shared/telephony';
import type { BoardFilter } from './board-filter';

interface Props {
  filter: BoardFilter;
  onChange: (f: BoardFilter) => void;
  outcomes: readonly string[];
  flags: readonly string[];
  campaigns: readonly Pick<CampaignInfo, 'id' | 'name'>[];
  shown: number;
  total: number;
}

/** The board's filters: campaign, state, outcome (the bot's disposition), flag, and a search by number or name. */
export function BoardFilters({
  filter,
  onChange,
  outcomes,
  flags,
  campaigns,
  shown,
  total,
}: Props): React.JSX.Element {
  const set = (patch: Partial<BoardFilter>) => onChange({ ...filter, ...patch });
  return (
    <div className="board-filters" role="group" aria-label="Filter calls">
      <label>
        Campaign
        <select
          value={filter.campaignId ?? ''}
          onChange={(e) => set({ campaignId: e.target.value === '' ? undefined : e.target.value })}
        >
          <option value="">Every call</option>
          {campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        State
        <select value={filter.state} onChange={(e) => set({ state: e.target.value as BoardFilter['state'] })}>
          <option value="all">All</option>
          <option value="live">Live</option>
          <option value="finished">Finished</option>
          {CALL_STATES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Outcome
        <select value={filter.outcome} onChange={(e) => set({ outcome: e.target.value })}>
          <option value="all">All</option>
          <option value="none">No disposition</option>
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label>
        Flag
        <select value={filter.flag} onChange={(e) => set({ flag: e.target.value })}>
          <option value="all">All</option>
          <option value="any">Flagged</option>
          <option value="none">Not flagged</option>
          {flags.map((f) => (
            <option key={f} value={f}>
              {f.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Search
        <input
          type="search"
          placeholder="Number or name"
          value={filter.search}
          onChange={(e) => set({ search: e.target.value })}
        />
      </label>
      <span className="muted" data-testid="board-count">
        {shown === total ? `${total} calls` : `${shown} of ${total} calls`}
      </span>
    </div>
  );
}
