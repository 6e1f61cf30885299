import type React from 'react';
import { useState } from 'react';
import { ExportControl } from './ExportControl';

/** Today as YYYY-MM-DD in UTC (the dates of a range are UTC days, as the calls' times). */
const today = () => new Date().toISOString().slice(0, 10);

/** Every call placed between two dates (whole UTC days, both included), exported. */
export function RangeExport(): React.JSX.Element {
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const complete = from !== '' && to !== '';
  // Both are YYYY-MM-DD, so text order is date order. Refused here, before a job is started.
  const backwards = complete && to < from;
  return (
    <section className="card range-export" aria-label="Export calls by date">
      <h2>Export calls by date</h2>
      <div className="toolbar toolbar--wrap">
        <label>
          From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <span className="muted">UTC days, both included</span>
      </div>
      {backwards && (
        <p className="field__error" role="alert">
          “To” ({to}) is before “From” ({from}): pick an end date on or after the start.
        </p>
      )}
      <ExportControl
        scope={complete && !backwards ? { kind: 'range', from, to } : null}
        label={`Export calls from ${from} to ${to}`}
      />
    </section>
  );
}
