import type React from 'react';
import { useState } from 'react';
import type { AuditFilter } from '../../../../shared/audit';
import { useAuditStore } from '../../state/audit-store';

interface Draft {
  actor: string;
  action: string;
  subject: string;
  /** datetime-local text, in this computer's time zone. */
  from: string;
  to: string;
}

const EMPTY: Draft = { actor: '', action: '', subject: '', from: '', to: '' };

/** A datetime-local value as an instant (ISO, UTC); empty or unreadable text is no bound. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function filterOf(d: Draft): AuditFilter {
  const f: AuditFilter = {};
  if (d.actor) f.actor = d.actor;
  if (d.action) f.action = d.action;
  if (d.subject.trim()) f.subject = d.subject.trim();
  const from = instant(d.from);
  const to = instant(d.to);
  if (from) f.from = from;
  if (to) f.to = to;
  return f;
}

/** Who, what, which subject and when: the Audit page's filters, applied on the server. */
export function AuditFilters(): React.JSX.Element {
  const facets = useAuditStore((s) => s.facets);
  const setFilter = useAuditStore((s) => s.setFilter);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const update = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const badRange = draft.from !== '' && draft.to !== '' && draft.from >= draft.to;

  return (
    <form
      className="audit-filters"
      aria-label="Audit filters"
      onSubmit={(e) => {
        e.preventDefault();
        if (!badRange) void setFilter(filterOf(draft));
      }}
    >
      <label>
        Actor
        <select value={draft.actor} onChange={(e) => update({ actor: e.target.value })}>
          <option value="">Anyone</option>
          {facets.actors.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Action
        <select value={draft.action} onChange={(e) => update({ action: e.target.value })}>
          <option value="">Any action</option>
          {facets.actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Subject starts with
        <input
          type="text"
          value={draft.subject}
          placeholder="campaign: or list:3"
          onChange={(e) => update({ subject: e.target.value })}
        />
      </label>
      <label>
        From
        <input type="datetime-local" value={draft.from} onChange={(e) => update({ from: e.target.value })} />
      </label>
      <label>
        Until
        <input type="datetime-local" value={draft.to} onChange={(e) => update({ to: e.target.value })} />
      </label>
      <button type="submit" disabled={badRange}>
        Apply filters
      </button>
      <button
        type="button"
        className="button--quiet"
        onClick={() => {
          setDraft(EMPTY);
          void setFilter({});
        }}
      >
        Clear
      </button>
      {badRange && (
        <p role="alert" className="field__error">
          “From” must be before “Until”.
        </p>
      )}
    </form>
  );
}
