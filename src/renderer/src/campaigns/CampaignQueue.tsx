import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import type { CampaignContactInfo, CampaignDetail } from '../../../shared/campaigns';
import { api, errorMessage } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { VirtualTable, type VirtualColumn } from '../components/VirtualTable';
import '../board/board.css';
import { formatDateTime } from '../format';
import { skipReasonLabel } from './campaign-draft';

const PAGE = 5000;
/** Pushed changes come in bursts (every call's step, progress every 250 ms): one re-read per this. */
const REREAD_MS = 500;

const COLUMNS: VirtualColumn[] = [
  { label: '#', width: '5%' },
  { label: 'Contact', width: '13%' },
  { label: 'Number', width: '14%' },
  { label: 'Status', width: '13%' },
  { label: 'Attempts', width: '7%' },
  { label: 'Next eligible', width: '15%' },
  { label: 'Last outcome', width: '13%' },
  { label: '', width: '20%' },
];

const when = formatDateTime;

/** Every contact of a campaign, in queue order (paged from the core). */
async function readQueue(campaignId: string): Promise<CampaignContactInfo[]> {
  const all: CampaignContactInfo[] = [];
  let after = -1;
  for (;;) {
    const page = await api().campaigns.contacts({ campaignId, afterPosition: after, limit: PAGE });
    all.push(...page.contacts);
    const last = page.contacts.at(-1);
    if (!last || page.contacts.length < PAGE) return all;
    after = last.position;
  }
}

/**
 * A campaign's queue: each contact's status, attempts made, when it may be dialled next and its last
 * outcome, with Skip and Retry now; virtualised, re-read when the campaign or one of its calls moves
 * (pushed events: `version` changes with them), never polled.
 */
export function CampaignQueue({ c, version }: { c: CampaignDetail; version: string }): React.JSX.Element {
  const [rows, setRows] = useState<CampaignContactInfo[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<number>();
  const [nudge, setNudge] = useState(0);
  const terminal = c.state === 'completed' || c.state === 'canceled';

  const lastRead = useRef(0);

  useEffect(() => {
    let alive = true;
    // Throttled, not debounced: a busy campaign's steady events must not hold the re-read off forever.
    const timer = setTimeout(
      () => {
        lastRead.current = Date.now();
        void readQueue(c.id)
          .then((r) => {
            if (!alive) return;
            setRows(r);
            setError(undefined);
          })
          .catch((err: unknown) => alive && setError(errorMessage(err)));
      },
      Math.max(0, lastRead.current + REREAD_MS - Date.now()),
    );
    return () => {
      alive = false;
      clearTimeout(timer);
    };
    // Re-read on each pushed change (version) or after an action here (nudge).
  }, [c.id, version, nudge]);

  const act = async (action: 'skipContact' | 'retryContact', contactId: number) => {
    setBusy(contactId);
    try {
      await api().campaigns[action]({ campaignId: c.id, contactId });
      setNudge((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <VirtualTable
      columns={COLUMNS}
      rows={rows}
      testId="campaign-queue"
      scrollerClassName="campaign-queue__scroll"
      before={error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
      row={(r) => (
        <tr key={r.contactId} data-contact={r.contactId} aria-label={`Contact ${r.name || r.number}`}>
          <td>{r.position + 1}</td>
          <td title={r.name}>{r.name || '—'}</td>
          <td>{r.number}</td>
          <td data-testid="queue-status">
            {r.status.replace('_', ' ')}
            {r.skipReason ? ` (${skipReasonLabel(r.skipReason)})` : ''}
          </td>
          <td data-testid="queue-attempts">{r.attempts}</td>
          <td>{r.status === 'pending' ? (r.nextEligibleAt ? when(r.nextEligibleAt) : 'now') : '—'}</td>
          <td>
            {r.lastOutcome?.replace('_', ' ') ?? '—'}
            {r.last?.disposition ? ` · ${r.last.disposition}` : ''}
          </td>
          <td className="campaign-queue__actions">
            <button
              type="button"
              className="button--quiet"
              disabled={terminal || r.status !== 'pending' || busy === r.contactId}
              onClick={() => void act('skipContact', r.contactId)}
            >
              Skip
            </button>{' '}
            <button
              type="button"
              className="button--quiet"
              disabled={terminal || r.status === 'in_call' || busy === r.contactId}
              onClick={() => void act('retryContact', r.contactId)}
            >
              Retry now
            </button>
          </td>
        </tr>
      )}
    />
  );
}
