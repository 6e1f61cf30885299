import type React from 'react';
import { useEffect, useState } from 'react';
import { isTerminal, type CallAttemptInfo } from '../../../shared/telephony';
import { callDuration, decisionLabel, eventLabel } from '../call-labels';
import { BotSession } from '../components/BotSession';
import { useCallsStore } from '../state/calls-store';
import { useVoicebotStore } from '../state/voicebot-store';

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : '—');

/** The wall clock, once a second while `active` (a live call's duration ticks). */
function useTicking(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

const talking = (c: CallAttemptInfo) => c.answeredAt !== null && c.endedAt === null && c.durationSec === null;

function ending(c: CallAttemptInfo): string {
  if (!c.endedAt) return isTerminal(c.state) ? c.state : 'not ended';
  const why = c.endReason && c.endReason !== c.state ? ` (${c.endReason})` : '';
  return `${c.state.replace('_', ' ')} at ${time(c.endedAt)}${why}`;
}

/** The live call board: every call's state as the state machine records it, and its timeline. */
export function CallsPage(): React.JSX.Element {
  const { calls, selectedId, events, error, load, select } = useCallsStore();
  const bot = useVoicebotStore();
  const showBot = bot.show;
  useEffect(() => {
    void showBot(selectedId);
  }, [selectedId, showBot]);
  useEffect(() => {
    void load();
  }, [load]);
  const live = calls.filter((c) => !isTerminal(c.state)).length;
  const now = useTicking(calls.some((c) => talking(c) && !isTerminal(c.state)));
  const selected = calls.find((c) => c.id === selectedId);

  return (
    <div className="page">
      <header className="page__header">
        <h1>Calls</h1>
        <p className="muted">
          {live} live · {calls.length} recent. States come from the call&apos;s own event log: dial requests,
          Exotel&apos;s callbacks, passthru and the voicebot stream.
        </p>
      </header>
      {error && <p className="banner banner--error">{error}</p>}
      <table className="table table--compact" data-testid="calls-table">
        <thead>
          <tr>
            <th>Number</th>
            <th>State</th>
            <th>Mode</th>
            <th>Provider</th>
            <th>Placed</th>
            <th>Answered</th>
            <th>Duration</th>
            <th>Answered by</th>
            <th>Bot decision</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c) => (
            <tr key={c.id} className={c.id === selectedId ? 'row--selected' : undefined}>
              <td>
                <button type="button" className="link" onClick={() => void select(c.id)}>
                  {c.number}
                </button>
              </td>
              <td>
                <span className={`badge state state--${c.state}`}>{c.state.replace('_', ' ')}</span>
              </td>
              <td>{c.mode}</td>
              <td>{c.provider}</td>
              <td>{time(c.createdAt)}</td>
              <td>{time(c.answeredAt)}</td>
              <td data-testid="call-duration">{callDuration(c, now)}</td>
              <td>{c.answeredBy ?? '—'}</td>
              <td>{decisionLabel(c.transferDecision)}</td>
            </tr>
          ))}
          {calls.length === 0 && (
            <tr>
              <td colSpan={9} className="muted">
                No calls yet. Place a test call from Settings → Telephony.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {selected && (
        <section className="card" aria-label={`Call to ${selected.number}`}>
          <h2>
            Call to {selected.number} <span className="muted">({selected.id})</span>
          </h2>
          <p className="muted">
            Exotel call {selected.providerSid ?? '(not yet known)'} · {ending(selected)}
          </p>
          <ol className="events" data-testid="call-timeline">
            {events.map((e) => (
              <li key={e.seq} className={e.duplicate || !e.applied ? 'muted' : undefined}>
                <code>{new Date(e.receivedAt).toLocaleTimeString()}</code> {e.source} ·{' '}
                <strong>{eventLabel(e)}</strong>
                {e.duplicate ? ' (duplicate, ignored)' : !e.applied && e.note ? ` (${e.note})` : ''}
                {e.repeats > 0 && ` · repeated ${e.repeats}×, ignored`}
              </li>
            ))}
          </ol>
          <h3>Voicebot</h3>
          {bot.error && <p className="banner banner--error">{bot.error}</p>}
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
