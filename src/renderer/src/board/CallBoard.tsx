import type React from 'react';
import type { BoardCall } from '../../../shared/call-board';
import { isTerminal } from '../../../shared/telephony';
import { callDuration, decisionLabel, priceLabel } from '../call-labels';
import { VirtualTable, type VirtualColumn } from '../components/VirtualTable';
import { inStateLabel } from './board-filter';
import './board.css';
import { formatDateTime, formatTime } from '../format';

const COLUMNS: VirtualColumn[] = [
  { label: 'Number', width: '13%' },
  { label: 'Contact', width: '12%' },
  { label: 'Attempt', width: '6%' },
  { label: 'State', width: '10%' },
  { label: 'In state', width: '8%' },
  { label: 'Placed', width: '8%' },
  { label: 'Duration', width: '7%' },
  { label: 'Answered by', width: '8%' },
  { label: 'Disposition', width: '9%' },
  { label: 'Latency', width: '6%' },
  { label: 'Price', width: '5%' },
  { label: 'Flags', width: '11%' },
  // Last, as before: the bot's decision.
  { label: 'Bot decision', width: '10%' },
];

interface Props {
  rows: readonly BoardCall[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
  /** The wall clock (ms) the ticking cells count from. */
  now: number;
  empty: string;
}

/**
 * The live call board: one row per attempt, virtualised (only the rows in view are in the page), so
 * ten thousand calls scroll and update smoothly.
 */
export function CallBoard({ rows, selectedId, onSelect, now, empty }: Props): React.JSX.Element {
  return (
    <VirtualTable
      columns={COLUMNS}
      rows={rows}
      testId="calls-table"
      scrollerTestId="board-scroller"
      empty={empty}
      row={(c) => (
        <tr key={c.id} className={c.id === selectedId ? 'row--selected' : undefined}>
          <td>
            <button type="button" className="link" onClick={() => onSelect(c.id)}>
              {c.number}
            </button>
          </td>
          <td title={c.contactName ?? undefined}>{c.contactName ?? '—'}</td>
          <td>{c.attemptNo ?? '—'}</td>
          <td>
            <span className={`badge state state--${c.state}`}>{c.state.replace('_', ' ')}</span>
          </td>
          <td
            data-testid="time-in-state"
            title={isTerminal(c.state) ? `Ended ${formatDateTime(c.endedAt ?? c.updatedAt)}` : undefined}
          >
            {inStateLabel(c, now)}
          </td>
          <td>{formatTime(c.createdAt)}</td>
          <td data-testid="call-duration">{callDuration(c, now)}</td>
          <td>{c.answeredBy ?? '—'}</td>
          <td>{c.disposition ?? '—'}</td>
          <td>{c.latencyMs === null ? '—' : `${c.latencyMs} ms`}</td>
          <td data-testid="call-price">{priceLabel(c)}</td>
          <td title={c.flags.join(', ')}>
            {c.flags.map((f) => (
              <span key={f} className="flag">
                {f.replace(/_/g, ' ')}
              </span>
            ))}
          </td>
          <td>{decisionLabel(c.transferDecision)}</td>
        </tr>
      )}
    />
  );
}
