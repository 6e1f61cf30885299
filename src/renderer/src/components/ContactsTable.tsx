import { useVirtualizer } from '@tanstack/react-virtual';
import type React from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ContactStatus, ContactView, ListSummary } from '../../../shared/contacts';
import { api, errorMessage } from '../api';
import { ErrorBanner } from './ErrorBanner';
import { formatCount } from '../format';

const PAGE = 1000;
const ROW_HEIGHT = 34;
type Filter = ContactStatus | 'all';

interface Loaded {
  rows: ContactView[];
  next: number | null;
  loading: boolean;
  error?: string;
}

/** A list's contacts, virtualised (only visible rows are in the DOM) and fetched page by page. */
export function ContactsTable({ list }: { list: ListSummary }): React.JSX.Element {
  const [filter, setFilter] = useState<Filter>('all');
  const [data, setData] = useState<Loaded>({ rows: [], next: 0, loading: false });
  const loading = useRef(false);
  const generation = useRef(0);

  const loadMore = useCallback(
    async (reset: boolean) => {
      if (loading.current && !reset) return;
      const gen = reset ? ++generation.current : generation.current;
      loading.current = true;
      setData((d) => (reset ? { rows: [], next: 0, loading: true } : { ...d, loading: true }));
      try {
        const after = reset ? 0 : (data.next ?? 0);
        const page = await api().contacts.contacts({
          listId: list.id,
          status: filter === 'all' ? undefined : filter,
          afterRow: after,
          limit: PAGE,
        });
        if (gen !== generation.current) return;
        setData((d) => ({
          rows: reset ? page.contacts : [...d.rows, ...page.contacts],
          next: page.nextAfterRow,
          loading: false,
        }));
      } catch (err) {
        if (gen === generation.current) setData((d) => ({ ...d, loading: false, error: errorMessage(err) }));
      } finally {
        if (gen === generation.current) loading.current = false;
      }
    },
    [list.id, filter, data.next],
  );

  useEffect(() => {
    void loadMore(true);
    // Reload from the top when the list or the filter changes (not when the cursor moves).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [list.id, filter, list.dnc]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: data.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (data.next !== null && !data.loading && lastIndex >= data.rows.length - 50) void loadMore(false);
  }, [lastIndex, data.next, data.loading, data.rows.length, loadMore]);

  const counts: Record<Filter, number> = {
    all: list.rows,
    valid: list.valid,
    invalid: list.invalid,
    duplicate: list.duplicates,
  };

  return (
    <div className="contacts">
      <div className="toolbar" role="group" aria-label="Filter contacts">
        {(['all', 'valid', 'invalid', 'duplicate'] as Filter[]).map((f) => (
          <button
            key={f}
            type="button"
            className={f === filter ? '' : 'button--quiet'}
            aria-pressed={f === filter}
            onClick={() => setFilter(f)}
          >
            {f === 'all' ? 'All' : f[0]!.toUpperCase() + f.slice(1)} ({formatCount(counts[f])})
          </button>
        ))}
      </div>
      {data.error && (
        <ErrorBanner message={data.error} onDismiss={() => setData((d) => ({ ...d, error: undefined }))} />
      )}
      <div
        className="vtable"
        role="table"
        aria-label={`Contacts of ${list.name}`}
        aria-rowcount={counts[filter]}
      >
        <div className="vtable__row vtable__head" role="row">
          <span role="columnheader">Row</span>
          <span role="columnheader">Phone</span>
          <span role="columnheader">Name</span>
          <span role="columnheader">Status</span>
          <span role="columnheader">Reason / variables</span>
        </div>
        <div ref={scroller} className="vtable__body" data-testid="contacts-scroller">
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const c = data.rows[item.index]!;
              const phone = c.phone ?? c.phoneRaw;
              const details =
                c.reason ??
                [
                  ...(c.note ? [`Note: ${c.note}`] : []),
                  ...Object.entries(c.variables).map(([k, v]) => `${k}=${v}`),
                ].join(' · ');
              return (
                <div
                  key={c.id}
                  role="row"
                  className={`vtable__row vtable__row--${c.status}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW_HEIGHT,
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  <span role="cell">{c.row}</span>
                  <span role="cell" title={phone}>
                    {phone}
                  </span>
                  <span role="cell" title={c.name}>
                    {c.name}
                  </span>
                  <span role="cell">
                    <span className={`badge badge--${c.status}`}>{c.status}</span>
                    {c.dnc && <span className="badge badge--dnc">DNC</span>}
                  </span>
                  <span role="cell" title={details}>
                    {details}
                  </span>
                </div>
              );
            })}
          </div>
          {data.rows.length === 0 && !data.loading && (
            <p className="muted vtable__empty">No contacts here.</p>
          )}
        </div>
      </div>
    </div>
  );
}
