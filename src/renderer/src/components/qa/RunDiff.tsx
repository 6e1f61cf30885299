import type React from 'react';
import type { QaCompareRunsResult, QaDiffOp } from '../../../../shared/qa-compare';
import { runTitle } from './SideBySidePlayer';
import { Verdict } from './Verdict';

/** Words only in the first run struck out, words only in the second underlined. */
function Diff({ ops }: { ops: QaDiffOp[] }): React.JSX.Element {
  if (ops.length === 0) return <span className="muted">(nothing)</span>;
  return (
    <span>
      {ops.map((d, i) => {
        switch (d.op) {
          case 'same':
            return <span key={i}>{d.text} </span>;
          case 'removed':
            return (
              <del key={i} className="qa-diff--removed">
                {d.text}
              </del>
            );
          case 'added':
            return (
              <ins key={i} className="qa-diff--added">
                {d.text}
              </ins>
            );
        }
      })}
    </span>
  );
}

const signed = (ms: number) => `${ms > 0 ? '+' : ''}${Math.round(ms)} ms`;

/**
 * The core's comparison of two scenario runs, turn by turn: what the bot said (a word diff of the
 * second run against the first), the latency difference and where the verdict changed.
 */
export function RunDiff({ diff }: { diff: QaCompareRunsResult }): React.JSX.Element {
  const { a, b, comparison: c } = diff;
  return (
    <section aria-label="Turn by turn comparison" className="qa-run-diff">
      <p>
        <strong>{runTitle(a)}</strong> <Verdict result={c.outcomeA} /> against <strong>{runTitle(b)}</strong>{' '}
        <Verdict result={c.outcomeB} />
        {' · '}
        {c.sameWords ? 'the bot said the same words in every turn' : 'the bot said something else'}
        {c.meanLatencyDeltaMs !== undefined && ` · mean latency ${signed(c.meanLatencyDeltaMs)}`}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Turn</th>
            <th scope="col">Caller</th>
            <th scope="col">Bot (second run against the first)</th>
            <th scope="col">Latency</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {c.turns.map((t) => (
            <tr key={t.index} data-testid={`diff-turn-${t.index}`}>
              <th scope="row">{t.index === 0 ? 'Greeting' : t.index}</th>
              <td>
                <Diff ops={t.callerDiff} />
              </td>
              <td>
                <Diff ops={t.botDiff} />
              </td>
              <td>
                {t.latencyDeltaMs !== undefined
                  ? `${t.a?.latencyMs ?? '?'} → ${t.b?.latencyMs ?? '?'} ms (${signed(t.latencyDeltaMs)})`
                  : ''}
              </td>
              <td className={t.verdictChanged ? 'sbs__diff' : undefined}>
                {t.a ? <Verdict result={t.a.outcome} /> : <span className="muted">no turn</span>} →{' '}
                {t.b ? <Verdict result={t.b.outcome} /> : <span className="muted">no turn</span>}
                {t.verdictChanged && ' changed'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
