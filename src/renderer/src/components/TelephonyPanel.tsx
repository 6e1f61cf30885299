import type React from 'react';
import { useEffect, useId, useState } from 'react';
import { isTerminal, type PublicUrlsView } from '../../../shared/telephony';
import { eventLabel } from '../call-labels';
import { ErrorBanner } from './ErrorBanner';
import { useTelephonyStore } from '../state/telephony-store';
import { formatTime } from '../format';

function UrlList({ urls, label }: { urls: PublicUrlsView; label: string }): React.JSX.Element {
  const rows: [string, string][] = [
    ['Status callback', urls.statusCallback],
    ['Passthru', urls.passthru],
    ['Voicebot stream', urls.voicebot],
  ];
  return (
    <dl className="urls" aria-label={label}>
      {rows.map(([name, url]) => (
        <div key={name} className="urls__row">
          <dt>{name}</dt>
          <dd>
            <code data-testid={`url-${label}-${name}`}>{url}</code>
            <button
              type="button"
              className="button--quiet"
              onClick={() => void navigator.clipboard?.writeText(url)}
            >
              Copy
            </button>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Telephony in Settings: provider, the URLs to paste into Exotel, the tunnel, and a test call. */
export function TelephonyPanel(): React.JSX.Element {
  const s = useTelephonyStore();
  const id = useId();
  const [number, setNumber] = useState('');
  const [mode, setMode] = useState<'flow' | 'stream'>('flow');
  // What the operator typed over the bot's example values (a field left alone keeps its example).
  const [typed, setTyped] = useState<Record<string, string>>({});
  const variables = Object.fromEntries(
    (s.setup?.variables ?? []).map((v) => [v.name, typed[v.name] ?? v.value] as const),
  );
  const { load } = s;
  useEffect(() => {
    void load();
  }, [load]);
  const info = s.info;
  const tunnel = info?.tunnel.state;

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Telephony</h2>
      {!info ? (
        <p className="muted">{s.error ?? 'Loading…'}</p>
      ) : (
        <>
          <p data-testid="telephony-provider">
            Calls go to <strong>{info.provider === 'sandbox' ? 'the local sandbox' : 'Exotel'}</strong>:{' '}
            <span className="muted">{info.providerReason}</span>
          </p>
          <h3>URLs for Exotel&apos;s flow builder</h3>
          {info.publicUrls ? (
            <UrlList urls={info.publicUrls} label="public" />
          ) : (
            <p className="muted">
              Start the tunnel to get the public URLs. On this machine the public surface is:
            </p>
          )}
          {!info.publicUrls && <UrlList urls={info.localUrls} label="local" />}
          <div className="toolbar">
            <span data-testid="tunnel-state">
              Tunnel ({info.tunnel.provider}): <strong>{tunnel?.status}</strong>
              {tunnel?.status === 'running' && ` at ${tunnel.url}`}
              {tunnel?.status === 'failed' && ` — ${tunnel.error}`}
            </span>
            {tunnel?.status === 'running' ? (
              <>
                <button
                  type="button"
                  className="button--quiet"
                  disabled={s.busy}
                  onClick={() => void s.stopTunnel()}
                >
                  Stop tunnel
                </button>
                <button
                  type="button"
                  className="button--quiet"
                  disabled={s.busy}
                  onClick={() => void s.checkHealth()}
                >
                  Check it reaches CallDeck
                </button>
              </>
            ) : (
              <button type="button" disabled={s.busy} onClick={() => void s.startTunnel()}>
                Start tunnel
              </button>
            )}
          </div>
          {s.health && (
            <p className={`status status--${s.health.ok ? 'saved' : 'error'}`} role="status">
              {s.health.detail}
            </p>
          )}
          <div className="toolbar">
            <button type="button" disabled={s.busy} onClick={() => void s.testConnection()}>
              Test connection
            </button>
            {s.connection && (
              <span
                className={`status status--${s.connection.ok ? 'saved' : 'error'}`}
                data-testid="connection-result"
              >
                {s.connection.ok ? '✓ ' : '✗ '}
                {s.connection.detail}
              </span>
            )}
          </div>
          <h3>Place a test call</h3>
          <form
            className="toolbar toolbar--wrap"
            onSubmit={(e) => {
              e.preventDefault();
              void s.placeTestCall(number, mode, variables, s.setup?.bot?.id);
            }}
          >
            <label htmlFor={`${id}-number`}>Number</label>
            <input
              id={`${id}-number`}
              inputMode="tel"
              value={number}
              placeholder="98765 43210"
              onChange={(e) => {
                setNumber(e.target.value);
                s.dismissTestCallError(); // a refusal was about what is typed here: an edit clears it
              }}
            />
            <label htmlFor={`${id}-mode`}>Mode</label>
            <select
              id={`${id}-mode`}
              value={mode}
              onChange={(e) => setMode(e.target.value as 'flow' | 'stream')}
            >
              <option value="flow">Flow (Exotel app)</option>
              <option value="stream">Direct stream</option>
            </select>
            {s.bots && s.bots.bots.length > 0 && (
              <>
                <label htmlFor={`${id}-bot`}>Bot</label>
                <select
                  id={`${id}-bot`}
                  value={s.setup?.bot?.id ?? ''}
                  onChange={(e) => {
                    setTyped({}); // the new bot's own examples, not the last bot's values
                    void s.chooseBot(e.target.value);
                  }}
                >
                  {s.bots.bots.map((b) => (
                    <option key={b.id} value={b.id} title={b.file}>
                      {b.name} ({b.kind === 'llm' ? 'LLM' : 'script'}
                      {b.source === 'user' ? ', yours' : ''})
                    </option>
                  ))}
                </select>
              </>
            )}
            <button type="submit" disabled={s.busy || number.trim() === ''}>
              Place test call
            </button>
            {s.setup && s.setup.variables.length > 0 && (
              <fieldset className="testcall-vars" data-testid="test-call-variables">
                <legend>What {s.setup.bot ? `“${s.setup.bot.name}”` : 'the bot'} says to this call</legend>
                {s.setup.variables.map((v) => (
                  <span key={v.name} className="field-inline">
                    <label htmlFor={`${id}-var-${v.name}`} title={v.description || undefined}>
                      {v.name.replace(/_/g, ' ')}
                    </label>
                    <input
                      id={`${id}-var-${v.name}`}
                      value={variables[v.name] ?? ''}
                      maxLength={500}
                      onChange={(e) => {
                        setTyped((t) => ({ ...t, [v.name]: e.target.value }));
                        s.dismissTestCallError();
                      }}
                    />
                  </span>
                ))}
              </fieldset>
            )}
          </form>
          {s.bots && s.bots.problems.length > 0 && (
            <div className="banner banner--warn" data-testid="bot-problems">
              Bot files that cannot be used (put yours in <code>{s.bots.userDir}</code>):
              <ul>
                {s.bots.problems.map((p, i) => (
                  <li key={`${p.file}-${i}`}>
                    <code>{p.file}</code>
                    {p.path ? ` · ${p.path}` : ''}: {p.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {s.testCallError && <ErrorBanner message={s.testCallError} onDismiss={s.dismissTestCallError} />}
          {s.error && <ErrorBanner message={s.error} onDismiss={s.dismissError} />}
          {s.testCall && (
            <div className="testcall" data-testid="test-call">
              <p>
                {s.testCall.attempt.number} via {s.testCall.attempt.provider}:{' '}
                <strong data-testid="test-call-state">{s.testCall.attempt.state}</strong>
                {!isTerminal(s.testCall.attempt.state) && <span className="muted"> (live)</span>}
                {!s.testCall.outcome.ok && (
                  <span className="status--error"> — {s.testCall.outcome.message}</span>
                )}
              </p>
              <ol className="events">
                {s.testCall.events.map((e) => (
                  <li key={e.seq} className={e.duplicate ? 'muted' : undefined}>
                    <code>{formatTime(e.receivedAt)}</code> {e.source} · <strong>{eventLabel(e)}</strong>
                    {e.duplicate && ' (duplicate)'}
                    {!e.applied && !e.duplicate && e.note && ` (${e.note})`}
                    {e.repeats > 0 && ` · repeated ${e.repeats}×`}
                  </li>
                ))}
              </ol>
            </div>
          )}
        </>
      )}
    </section>
  );
}
