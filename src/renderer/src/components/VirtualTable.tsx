import { useVirtualizer } from '@tanstack/react-virtual';
import type React from 'react';
import { useRef } from 'react';

/** 32 px cells + the 1 px border (board.css). */
const ROW_HEIGHT = 33;

export interface VirtualColumn {
  label: string;
  width: string;
}

interface Props<T> {
  columns: readonly VirtualColumn[];
  rows: readonly T[];
  /** The row's `<tr>`, keyed by the caller. */
  row: (r: T) => React.JSX.Element;
  testId: string;
  scrollerClassName?: string;
  scrollerTestId?: string;
  /** Shown instead of the body when there are no rows (none: an empty body). */
  empty?: string;
  /** Above the header, e.g. an error banner. */
  before?: React.ReactNode;
}

/** Column widths, shared by the header table and the body table (fixed layout keeps them aligned). */
function Cols({ columns }: { columns: readonly VirtualColumn[] }): React.JSX.Element {
  return (
    <colgroup>
      {columns.map((c, i) => (
        <col key={i} style={{ width: c.width }} />
      ))}
    </colgroup>
  );
}

/**
 * A table with a fixed header and a virtualised body (board.css's `board` classes): only the rows in
 * view are in the page, so ten thousand rows scroll and update smoothly.
 */
export function VirtualTable<T>({
  columns,
  rows,
  row,
  testId,
  scrollerClassName,
  scrollerTestId,
  empty,
  before,
}: Props<T>): React.JSX.Element {
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
    <div className="board" data-testid={testId} aria-rowcount={rows.length}>
      {before}
      <div className="board__head">
        <table>
          <Cols columns={columns} />
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th key={i}>{c.label}</th>
              ))}
            </tr>
          </thead>
        </table>
      </div>
      <div
        ref={scroller}
        className={scrollerClassName ? `board__scroll ${scrollerClassName}` : 'board__scroll'}
        data-testid={scrollerTestId}
      >
        {rows.length === 0 && empty !== undefined ? (
          <p className="muted" style={{ padding: 12 }}>
            {empty}
          </p>
        ) : (
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            <table style={{ transform: `translateY(${offset}px)` }}>
              <Cols columns={columns} />
              <tbody>
                {items.map((item) => {
                  const r = rows[item.index];
                  return r === undefined ? null : row(r);
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
