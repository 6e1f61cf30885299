import type React from 'react';
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { isTerminal, type CallAttemptInfo } from '../../../shared/telephony';
import { eventLabel, priceLabel } from '../call-labels';
import { BoardFilters } from '../board/BoardFilters';
import { CallBoard } from '../board/CallBoard';
import { boardChoices, filterBoard, NO_FILTER, type BoardFilter } from '../board/board-filter';
import { BotSession } from '../components/BotSession';
import { ErrorBanner } from '../components/ErrorBanner';
import { RangeExport } from '../components/reports/RangeExport';
import { useCallsStore } from '../state/calls-store';
import { useCampaignsStore } from '../state/campaigns-store';
import { useVoicebotStore } from '../state/voicebot-store';
import { formatTime } from '../format';

/** The wall clock, once a second while `active`: time in state and live durations tick. */
function useTicking(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function ending(c: CallAttemptInfo): string {
  if (!c.endedAt) return isTerminal(c.state) ? c.state : 'not ended';
  const why = c.endReason && c.endReason !== c.state ? ` (${c.endReason})` : '';
  return `${c.state.replace('_', ' ')} at ${formatTime(c.endedAt)}${why}`;
}

/** The live call board: every attempt as the state machine records it, filtered; a call's timeline and bot. */
export function CallsPage(): React.JSX.Element {
  const { calls, selectedId, events, error, load, select, campaignId, showCampaign } = useCallsStore();
  const campaigns = useCampaignsStore((s) => s.campaigns);
  const bot = useVoicebotStore();
  const showBot = bot.show;
  useEffect(() => {
    void showBot(selectedId);
  }, [selectedId, showBot]);
  useEffect(() => {
    void load();
  }, [load]);
  const [own, setFilter] = useState<BoardFilter>(NO_FILTER);
  const filter = useMemo(() => ({ ...own, campaignId }), [own, campaignId]);
  // Typing in the search box stays responsive while ten thousand rows are filtered behind it.
  const deferred = useDeferredValue(filter);
  const rows = useMemo(() => filterBoard(calls, deferred), [calls, deferred]);
  const choices = useMemo(() => boardChoices(calls), [calls]);
  const live = useMemo(() => calls.filter((c) => !isTerminal(c.state)).length, [calls]);
  const now = useTicking(true);
  const selected = calls.find((c) => c.id === selectedId);

  return (
    <div className="page">
      <header className="page__header">
        <h1>Calls</h1>
        <p className="muted">
          {live} live · {calls.length} on the board. States come from the call&apos;s own event log: dial
          requests, Exotel&apos;s callbacks, passthru and the voicebot stream.
        </p>
      </header>
      {error && (
        <ErrorBanner message={error} onDismiss={() => useCallsStore.setState({ error: undefined })} />
      )}
      <RangeExport />
      <BoardFilters
        filter={filter}
        onChange={(f) => {
          setFilter(f);
          if (f.campaignId !== campaignId) showCampaign(f.campaignId);
        }}
        campaigns={campaigns}
        outcomes={choices.outcomes}
        flags={choices.flags}
        shown={rows.length}
        total={calls.length}
      />
      <CallBoard
        rows={rows}
        selectedId={selectedId}
        onSelect={(id) => void select(id)}
        now={now}
        empty={
          calls.length === 0
            ? 'No calls yet. Place a test call from Settings → Telephony, or start a campaign.'
            : 'No call matches the filters.'
        }
      />
      {selected && (
        <section className="card" aria-label={`Call to ${selected.number}`}>
          <h2>
            Call to {selected.number}
            {selected.contactName ? ` (${selected.contactName})` : ''}{' '}
            <span className="muted">({selected.id})</span>
          </h2>
          <p className="muted">
            Exotel call {selected.providerSid ?? '(not yet known)'} · {ending(selected)}
            {selected.endedAt && ` · price ${priceLabel(selected)}`}
            {selected.flags.length > 0 && ` · flags: ${selected.flags.join(', ')}`}
          </p>
          <ol className="events" data-testid="call-timeline">
            {events.map((e) => (
              <li key={e.seq} className={e.duplicate || !e.applied ? 'muted' : undefined}>
                <code>{formatTime(e.receivedAt)}</code> {e.source} · <strong>{eventLabel(e)}</strong>
                {e.duplicate ? ' (duplicate, ignored)' : !e.applied && e.note ? ` (${e.note})` : ''}
                {e.repeats > 0 && ` · repeated ${e.repeats}×, ignored`}
              </li>
            ))}
          </ol>
          <h3>Voicebot</h3>
          {bot.error && (
            <ErrorBanner
              message={bot.error}
              onDismiss={() => useVoicebotStore.setState({ error: undefined })}
            />
          )}
          {bot.sessions.length === 0 ? (
            <p className="muted">The bot has not spoken on this call.</p>
          ) : (
            bot.sessions.map((d) => <BotSession key={d.session.id} detail={d} />)
          )}
        </section>
      )}
    </div>
  );
}
