import type React from 'react';
import type { TurnMetrics, VoicebotSessionDetail } from '../../../shared/voicebot';
import { LatencyChart } from './LatencyChart';
import { MakeScenario } from './qa/MakeScenario';
import { RecordingPlayer } from './RecordingPlayer';

const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);
const clock = (v: number) =>
  `${Math.floor(v / 60000)}:${String(Math.floor((v % 60000) / 1000)).padStart(2, '0')}.${String(Math.floor((v % 1000) / 100))}`;

function MetricsTable({ metrics }: { metrics: TurnMetrics[] }): React.JSX.Element {
  return (
    <table className="table table--compact" data-testid="turn-metrics">
      <thead>
        <tr>
          <th>Turn</th>
          <th>Input</th>
          <th>Endpointing</th>
          <th>ASR</th>
          <th>Dialog</th>
          <th>LLM first / total</th>
          <th>TTS first audio</th>
          <th>Voice-to-voice</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
          <tr key={m.turn}>
            <td>{m.turn}</td>
            <td>{m.input}</td>
            <td>{ms(m.endpointingMs)}</td>
            <td>{ms(m.asrMs)}</td>
            <td>{ms(m.dialogMs)}</td>
            <td>{m.llmFirstTokenMs === null ? '—' : `${ms(m.llmFirstTokenMs)} / ${ms(m.llmTotalMs)}`}</td>
            <td>{ms(m.ttsFirstAudioMs)}</td>
            <td>
              <strong>{ms(m.voiceToVoiceMs)}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One voicebot session of a call: what each side said (media time), the outcome, and per-turn latency. */
export function BotSession({ detail }: { detail: VoicebotSessionDetail }): React.JSX.Element {
  const s = detail.session;
  return (
    <div className="bot-session" data-testid="bot-session">
      <p>
        Bot <strong>{s.botId}</strong> · {s.endedAt ? `ended (${s.endReason ?? 'unknown'})` : 'live'} ·
        disposition <strong data-testid="disposition">{s.disposition ?? '—'}</strong>
        {s.transfer === 'agent' && ' · transferred to an agent'}
      </p>
      <ol className="transcript" data-testid="transcript">
        {detail.lines.map((l) => (
          <li key={l.seq} className={`transcript__line transcript__line--${l.speaker}`}>
            <code>{clock(l.startMs)}</code> <strong>{l.speaker === 'bot' ? 'Bot' : 'Caller'}</strong>{' '}
            {l.kind === 'speech' || l.kind === 'prompt' ? (
              l.text
            ) : (
              <em>{l.kind === 'dtmf' ? `pressed ${l.text}` : l.kind.replace('_', ' ')}</em>
            )}
            {l.interrupted && <span className="muted"> (interrupted)</span>}
            {l.confidence !== null && <span className="muted"> ({Math.round(l.confidence * 100)}%)</span>}
          </li>
        ))}
      </ol>
      {detail.recordings && <RecordingPlayer sessionId={s.id} />}
      {detail.recordings && s.endedAt && <MakeScenario sessionId={s.id} />}
      <LatencyChart metrics={detail.metrics} />
      {detail.metrics.length > 0 && <MetricsTable metrics={detail.metrics} />}
    </div>
  );
}
