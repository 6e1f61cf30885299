import type React from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { TurnMetrics } from '../../../shared/voicebot';

/** One bar per caller turn: voice-to-voice split into where the time went. */
export interface LatencyBar {
  turn: string;
  endpointing: number;
  asr: number;
  thinking: number;
  tts: number;
  total: number;
}

const SERIES = [
  { key: 'endpointing', name: 'Endpointing (silence)', color: '#94a3b8' },
  { key: 'asr', name: 'ASR', color: '#60a5fa' },
  { key: 'thinking', name: 'Dialog / LLM to first words', color: '#f59e0b' },
  { key: 'tts', name: 'TTS first audio', color: '#34d399' },
] as const;

/**
 * The parts add up to voice-to-voice: endpointing + response, where the response is ASR, the dialog
 * (with a streamed LLM, only until its first sentence) and TTS to its first audio.
 */
export function latencyBars(metrics: readonly TurnMetrics[]): LatencyBar[] {
  return metrics.flatMap((m) => {
    if (m.voiceToVoiceMs === null || m.responseMs === null) return [];
    const asr = m.asrMs ?? 0;
    const tts = Math.min(m.ttsFirstAudioMs ?? 0, Math.max(0, m.responseMs - asr));
    return [
      {
        turn: `Turn ${m.turn}`,
        endpointing: Math.round(m.endpointingMs ?? 0),
        asr: Math.round(asr),
        thinking: Math.round(Math.max(0, m.responseMs - asr - tts)),
        tts: Math.round(tts),
        total: Math.round(m.voiceToVoiceMs),
      },
    ];
  });
}

/** Where each caller turn's voice-to-voice latency went, stacked; nothing when no caller turn has one yet. */
export function LatencyChart({ metrics }: { metrics: readonly TurnMetrics[] }): React.JSX.Element | null {
  const bars = latencyBars(metrics);
  if (bars.length === 0) return null;
  return (
    <figure
      className="latency-chart"
      data-testid="latency-chart"
      aria-label="Voice-to-voice latency per turn"
    >
      <figcaption className="muted">
        Voice-to-voice per caller turn (ms): median{' '}
        <strong data-testid="latency-median">{median(bars.map((b) => b.total))} ms</strong>
      </figcaption>
      <BarChart width={640} height={200} data={bars} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="turn" fontSize={12} />
        <YAxis unit=" ms" fontSize={12} width={64} />
        <Tooltip formatter={(v) => `${String(v)} ms`} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {SERIES.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.name}
            stackId="v2v"
            fill={s.color}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </figure>
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : Math.round(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
}
