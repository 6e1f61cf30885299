import type React from 'react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { QaScenarioRunInfo } from '../../../../shared/qa';
import { errorMessage } from '../../api';
import { ErrorBanner } from '../ErrorBanner';
import { artifactUrl } from '../../artifacts';
import {
  alignTurns,
  conversationFailures,
  rowDifference,
  type AlignedRow,
  type TurnCell,
} from './align-turns';
import { pauseAll, playAllFrom, type PlayTarget } from './playback';
import { Verdict } from './Verdict';
import { Waveform } from './Waveform';

type Side = 'left' | 'right';
type Channel = 'caller' | 'bot';
const SIDES: Side[] = ['left', 'right'];
const CHANNELS: Channel[] = ['caller', 'bot'];
const COLORS: Record<Channel, string> = { caller: '#2563eb', bot: '#059669' };

export function runTitle(run: QaScenarioRunInfo): string {
  return `${run.scenarioName} · ${run.caller} #${run.repeat}`;
}

function TurnView({ cell, onPlay }: { cell: TurnCell | null; onPlay: () => void }): React.JSX.Element {
  if (!cell) return <div className="sbs__cell sbs__cell--empty muted">No such turn in this run.</div>;
  const { turn, score } = cell;
  const botText = score?.botText || turn.botTextReported;
  const callerText = score?.callerText || turn.callerText;
  return (
    <div className="sbs__cell">
      {callerText !== null && (
        <button type="button" className="transcript__line transcript__line--caller" onClick={onPlay}>
          Caller{turn.bargeIn ? ' (barges in)' : ''}: {callerText}
        </button>
      )}
      <button type="button" className="transcript__line transcript__line--bot" onClick={onPlay}>
        Bot: {botText ?? <span className="muted">(not transcribed)</span>}
      </button>
      <div className="muted">
        {score?.latencyMs !== undefined && <span>latency {score.latencyMs} ms · </span>}
        {score !== null && score.talkOverMs > 0 && <span>talk-over {score.talkOverMs} ms · </span>}
        {score && (
          <span>
            <Verdict result={score.outcome} /> ·{' '}
          </span>
        )}
        <span>at {cell.playFromS.toFixed(1)} s</span>
      </div>
      <ul className="sbs__verdicts">
        {cell.failures.map((f, i) => (
          <li key={`f${i}`} className="outcome outcome--failed">
            <span className="badge">{f.kind}</span> {f.expectation}: {f.actual}
          </li>
        ))}
        {cell.judgements.map((j, i) => (
          <li key={`j${i}`}>
            <Verdict result={j.verdict} /> judge: {j.criterion}: {j.reasoning}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Difference({ row }: { row: AlignedRow }): React.JSX.Element {
  const d = rowDifference(row);
  if (!d) return <span className="muted">only one run</span>;
  const parts: string[] = [];
  if (d.latencyDeltaMs !== null)
    parts.push(`latency ${d.latencyDeltaMs > 0 ? '+' : ''}${d.latencyDeltaMs} ms`);
  if (d.botTextDiffers) parts.push('bot said something else');
  if (d.verdictDiffers) parts.push('verdict differs');
  return (
    <span className={d.botTextDiffers || d.verdictDiffers ? 'sbs__diff' : 'muted'}>
      {parts.join(' · ') || 'same'}
    </span>
  );
}

/**
 * Two runs in columns (a human and a synthetic run of one scenario, or run A and run B): each run's
 * caller and bot waveforms, the turns aligned, and a click on a turn or a transcript line plays both
 * runs from that turn.
 */
export function SideBySidePlayer({
  left,
  right,
}: {
  left: QaScenarioRunInfo;
  right: QaScenarioRunInfo;
}): React.JSX.Element {
  const runs: Record<Side, QaScenarioRunInfo> = { left, right };
  const rows = useMemo(() => alignTurns(left, right), [left, right]);
  const audios = useRef(new Map<string, HTMLAudioElement>());
  const [error, setError] = useState<string>();
  const [playing, setPlaying] = useState<string | null>(null);

  const register = useMemo(() => {
    const out = {} as Record<string, (a: HTMLAudioElement | null) => void>;
    for (const side of SIDES)
      for (const ch of CHANNELS) {
        const key = `${side}:${ch}`;
        out[key] = (a) => {
          if (a) audios.current.set(key, a);
          else audios.current.delete(key);
        };
      }
    return out;
  }, []);

  const play = useCallback(async (rowKey: string, offsets: Record<Side, number | null>) => {
    setError(undefined);
    const targets: PlayTarget[] = [];
    for (const side of SIDES) {
      const at = offsets[side];
      for (const ch of CHANNELS) {
        const audio = audios.current.get(`${side}:${ch}`);
        if (!audio) continue;
        // A run without this turn stays silent rather than playing something else.
        if (at === null) audio.pause();
        else targets.push({ audio, atS: at });
      }
    }
    try {
      setPlaying(rowKey);
      await playAllFrom(targets);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  const stop = () => {
    pauseAll([...audios.current.values()]);
    setPlaying(null);
  };

  return (
    <section className="sbs" aria-label="Side-by-side player">
      <div className="toolbar">
        <button type="button" onClick={() => void play('start', { left: 0, right: 0 })}>
          Play both from the start
        </button>
        <button type="button" className="button--quiet" onClick={stop}>
          Pause
        </button>
        {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
      </div>
      <div className="sbs__columns">
        {SIDES.map((side) => {
          const run = runs[side];
          return (
            <div key={side} className="sbs__column" data-testid={`sbs-${side}`}>
              <h3>
                {runTitle(run)} <Verdict result={run.verdict} />
              </h3>
              <p className="muted">
                {run.endReason.replace('_', ' ')} · {(run.durationMs / 1000).toFixed(1)} s
                {run.error ? ` · ${run.error}` : ''}
              </p>
              <ul className="sbs__verdicts">
                {conversationFailures(run).map((f, i) => (
                  <li key={i} className="outcome outcome--failed">
                    <span className="badge">{f.kind}</span> {f.expectation}: {f.actual}
                  </li>
                ))}
              </ul>
              {CHANNELS.map((ch) => {
                const id = ch === 'caller' ? run.callerAudio : run.botAudio;
                const label = `${side === 'left' ? 'Left' : 'Right'} run (${run.caller}): ${ch} audio`;
                return id ? (
                  <Waveform
                    key={`${ch}:${id}`}
                    url={artifactUrl({ id })}
                    label={label}
                    testId={`wave-${side}-${ch}`}
                    color={COLORS[ch]}
                    onAudio={register[`${side}:${ch}`] ?? (() => {})}
                  />
                ) : (
                  <p key={ch} className="muted">
                    No {ch} audio was recorded.
                  </p>
                );
              })}
            </div>
          );
        })}
      </div>
      <table className="table sbs__turns">
        <thead>
          <tr>
            <th scope="col">Turn</th>
            <th scope="col">{runTitle(left)}</th>
            <th scope="col">{runTitle(right)}</th>
            <th scope="col">Right vs left</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const onPlay = () =>
              void play(row.key, { left: row.left?.playFromS ?? null, right: row.right?.playFromS ?? null });
            return (
              <tr
                key={row.key}
                data-testid={`turn-${row.key}`}
                className={playing === row.key ? 'row--selected' : undefined}
              >
                <th scope="row">
                  <button
                    type="button"
                    className="link"
                    onClick={onPlay}
                    aria-label={`Play both from ${row.label}`}
                  >
                    ▶ {row.label}
                  </button>
                </th>
                <td>
                  <TurnView cell={row.left} onPlay={onPlay} />
                </td>
                <td>
                  <TurnView cell={row.right} onPlay={onPlay} />
                </td>
                <td>
                  <Difference row={row} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
