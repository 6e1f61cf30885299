import type React from 'react';
import { useEffect, useMemo, useState } from 'react';
import type { CampaignDetail, CampaignForecast } from '../../../shared/campaigns';
import { api, errorMessage } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { CallStatsPanel } from '../dashboard/CallStatsPanel';
import { useCallsStore } from '../state/calls-store';
import { useCampaignsStore } from '../state/campaigns-store';
import { CampaignQueue } from './CampaignQueue';
import { PacingEditor } from './PacingEditor';
import { formatDateTime } from '../format';

const when = formatDateTime;

/** The forecast, read before start and again as the campaign's counters move (pushed, at most every 2 s). */
function useForecast(c: CampaignDetail): {
  forecast?: CampaignForecast;
  error?: string;
  dismiss: () => void;
} {
  const [state, setState] = useState<{ forecast?: CampaignForecast; error?: string }>({});
  const key = `${c.id}:${c.state}:${c.counters.attempts}:${c.counters.inFlight}:${c.updatedAt}`;
  useEffect(() => {
    let alive = true;
    const timer = setTimeout(
      () =>
        void api()
          .campaigns.forecast({ campaignId: c.id })
          .then((forecast) => alive && setState({ forecast }))
          .catch((err: unknown) => alive && setState({ error: errorMessage(err) })),
      state.forecast ? 2000 : 0,
    );
    return () => {
      alive = false;
      clearTimeout(timer);
    };
    // Re-read when the campaign moves; the last forecast stays shown meanwhile.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  // Dismissed: the last forecast (if any) shows again; the next one read replaces both.
  return { ...state, dismiss: () => setState((s) => ({ forecast: s.forecast })) };
}

/**
 * Who the campaign will not reach: the queue's tail the window or the end date leaves, and the
 * contacts skipped already (missing variables, Do-Not-Call, the operator), whom the forecast, which
 * counts only contacts still to call, does not see.
 */
function unreachedLabel(f: CampaignForecast, skipped: number): string {
  const late =
    f.unreachable.count === 0
      ? null
      : `${f.unreachable.count} contacts (${f.unreachable.reason === 'after_end' ? 'after the end date' : 'outside the calling window'}), from queue position ${f.unreachable.firstPositions.join(', ')}`;
  const skip = skipped === 0 ? null : `${skipped} skipped (the queue says why)`;
  if (!late && !skip) return 'everyone is reached in time';
  if (!late)
    return f.contacts === 0 ? `${skip}: no one is left to call` : `${skip}; everyone else is reached in time`;
  return skip ? `${late}; ${skip}` : late;
}

function ForecastView({
  state,
  skipped,
}: {
  state: ReturnType<typeof useForecast>;
  skipped: number;
}): React.JSX.Element {
  const { forecast: f, error, dismiss } = state;
  if (error) return <ErrorBanner message={error} onDismiss={dismiss} />;
  if (!f) return <p className="muted">Forecasting…</p>;
  return (
    <dl className="kv" data-testid="forecast">
      <dt>Next call</dt>
      <dd data-testid="forecast-first">{f.firstDialAt ? when(f.firstDialAt) : '—'}</dd>
      <dt>Finishes</dt>
      <dd data-testid="forecast-finish">{f.finishAt ? when(f.finishAt) : 'nothing left to dial'}</dd>
      <dt>Dials</dt>
      <dd>
        {f.dials} for {f.contacts} contacts, of which {f.expectedRetries} retries
      </dd>
      <dt>Call minutes</dt>
      <dd>{Math.round(f.callMinutes)}</dd>
      <dt>Answer rate</dt>
      <dd>
        {Math.round(f.answerRate * 100)}% ({f.answerRateSource === 'observed' ? 'seen so far' : 'assumed'})
      </dd>
      <dt>Pace</dt>
      <dd>{f.effectiveCallsPerMinute.toFixed(1)} calls a minute</dd>
      <dt>Not reached</dt>
      <dd data-testid="forecast-unreached">{unreachedLabel(f, skipped)}</dd>
    </dl>
  );
}

/**
 * A running campaign whose next call is more than a minute away (outside its calling window, or
 * every contact waiting for a retry) says until when, instead of looking stuck.
 */
function WaitingNotice({ c, firstDialAt }: { c: CampaignDetail; firstDialAt: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (c.state !== 'running' || c.counters.inFlight > 0 || firstDialAt === null) return null;
  if (Date.parse(firstDialAt) - now < 60_000) return null;
  const w = c.settings.window;
  return (
    <p className="banner banner--warn" data-testid="campaign-waiting">
      Nothing to dial now: the next call is expected at {when(firstDialAt)} (calling window {w.start}–{w.end}{' '}
      {w.timeZone}, {w.days.join(' ')}).
    </p>
  );
}

/** Cancelling cannot be undone (a canceled campaign never starts again): it asks first. */
function CancelButton({ c, onCancel }: { c: CampaignDetail; onCancel: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="button--quiet" onClick={() => setAsking(true)}>
        Cancel campaign
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={`Confirm canceling ${c.name}`}>
      Cancel “{c.name}”? Nothing more is dialled and it cannot be started again; calls already in progress go
      on to their end.
      <button
        type="button"
        className="button--danger"
        onClick={() => {
          setAsking(false);
          onCancel();
        }}
      >
        Cancel campaign
      </button>
      <button type="button" className="button--quiet" onClick={() => setAsking(false)}>
        Keep it
      </button>
    </span>
  );
}

/** One campaign: state, controls, counters and progress, forecast and its statistics. */
export function CampaignPanel({ c }: { c: CampaignDetail }): React.JSX.Element {
  const act = useCampaignsStore((s) => s.act);
  const calls = useCallsStore((s) => s.calls);
  const live = useMemo(() => {
    let ringing = 0;
    let talking = 0;
    for (const call of calls) {
      if (call.campaignId !== c.id) continue;
      if (call.state === 'dialing' || call.state === 'ringing' || call.state === 'queued') ringing++;
      else if (call.state === 'in_progress' || call.state === 'agent_transfer') talking++;
    }
    return { ringing, talking };
  }, [calls, c.id]);
  const forecast = useForecast(c);
  const k = c.counters;
  const finished = k.byStatus.done + k.byStatus.skipped;
  const progress = k.contacts === 0 ? 0 : finished / k.contacts;
  const terminal = c.state === 'completed' || c.state === 'canceled';
  return (
    <section className="card" aria-label={`Campaign ${c.name}`}>
      <h2>
        {c.name} <span className={`badge campaign-state campaign-state--${c.state}`}>{c.state}</span>
      </h2>
      <p className="muted">
        {c.listName ?? `list ${c.listId}`} · bot {c.settings.bot} · {c.settings.mode} · window{' '}
        {c.settings.window.start}–{c.settings.window.end} {c.settings.window.timeZone}
        {c.settings.window.override ? ' (override)' : ''} · {c.settings.pacing.maxConcurrent} at once,{' '}
        {c.settings.pacing.callsPerMinute}/min · started {when(c.startedAt)}
      </p>
      <div className="toolbar">
        {(c.state === 'draft' || c.state === 'scheduled') && (
          <button type="button" onClick={() => void act('start', c.id)}>
            Start
          </button>
        )}
        {c.state === 'running' && (
          <button type="button" onClick={() => void act('pause', c.id)}>
            Pause
          </button>
        )}
        {c.state === 'paused' && (
          <button type="button" onClick={() => void act('resume', c.id)}>
            Resume
          </button>
        )}
        {!terminal && <CancelButton c={c} onCancel={() => void act('cancel', c.id)} />}
      </div>
      <WaitingNotice c={c} firstDialAt={forecast.forecast?.firstDialAt ?? null} />
      {!terminal && <PacingEditor c={c} />}
      <div
        className="progress"
        role="progressbar"
        aria-label="Contacts finished"
        aria-valuemin={0}
        aria-valuemax={k.contacts}
        aria-valuenow={finished}
      >
        <div className="progress__bar" style={{ width: `${Math.round(progress * 100)}%` }} />
      </div>
      <ul className="counters" data-testid="campaign-counters">
        <li>
          Queued <strong data-testid="count-queued">{k.byStatus.pending}</strong>
        </li>
        <li>
          Ringing <strong data-testid="count-ringing">{live.ringing}</strong>
        </li>
        <li>
          Talking <strong data-testid="count-talking">{live.talking}</strong>
        </li>
        <li>
          Done <strong data-testid="count-done">{k.byStatus.done}</strong>
        </li>
        <li>
          Skipped <strong>{k.byStatus.skipped}</strong>
        </li>
        {Object.entries(k.byOutcome).map(([outcome, n]) => (
          <li key={outcome}>
            {outcome.replace('_', ' ')} <strong data-testid={`outcome-${outcome}`}>{n}</strong>
          </li>
        ))}
        <li>
          Flagged <strong>{k.flagged}</strong>
        </li>
      </ul>
      <p>
        <button
          type="button"
          className="button--quiet"
          onClick={() => {
            useCallsStore.getState().showCampaign(c.id);
            window.location.hash = '#/calls';
          }}
        >
          Watch its calls on the board
        </button>
      </p>
      <h3>Queue</h3>
      <CampaignQueue
        c={c}
        version={`${c.state}|${c.updatedAt}|${JSON.stringify(c.counters)}|${live.ringing}|${live.talking}`}
      />
      <h3>Forecast</h3>
      <ForecastView state={forecast} skipped={k.byStatus.skipped} />
      <h3>Statistics</h3>
      <CallStatsPanel campaignId={c.id} />
    </section>
  );
}
