import { useVirtualizer } from '@tanstack/react-virtual';
import type React from 'react';
import { useRef } from 'react';
import type { BoardCall } from '../../../shared/call-board';
import { callDuration, decisionLabel, priceLabel } from '../call-labels';
import { sinceLabel } from './board-filter';
import './board.css';

const ROW_HEIGHT = 33; // 32 px cells + the 1 px border

/** Column widths, shared by the header table and the body table (fixed layout keeps them aligned). */
const COLUMNS: { label: string; width: string }[] = [
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

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : '—');

function Cols(): React.JSX.Element {
  return (
    <colgroup>
      {COLUMNS.map((c) => (
        <col key={c.label} style={{ width: c.width }} />
      ))}
    </colgroup>
  );
}

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
  const scroller = useRef<HTMLDivElement>(null);
  // The compiler leaves this component unmemoised, which is right: the virtualizer changes on every scroll.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const offset = items[0]?.start ?? 0;
  return (
    <div className="board" data-testid="calls-table" aria-rowcount={rows.length}>
      <div className="board__head">
        <table>
          <Cols />
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.label}>{c.label}</th>
              ))}
            </tr>
          </thead>
        </table>
      </div>
      <div ref={scroller} className="board__scroll" data-testid="board-scroller">
        {rows.length === 0 ? (
          <p className="muted" style={{ padding: 12 }}>
            {empty}
          </p>
        ) : (
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            <table style={{ transform: `translateY(${offset}px)` }}>
              <Cols />
              <tbody>
                {items.map((item) => {
                  const c = rows[item.index];
                  if (!c) return null;
                  return (
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
                      <td data-testid="time-in-state">{sinceLabel(c.updatedAt, now)}</td>
                      <td>{time(c.createdAt)}</td>
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
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
