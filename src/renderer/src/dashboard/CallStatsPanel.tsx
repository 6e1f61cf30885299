import type React from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { CallStats } from '../../../shared/call-stats';
import { useCallStats } from './use-call-stats';
import './dashboard.css';

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
const secs = (s: number | null) => (s === null ? '—' : `${Math.round(s)} s`);
const hourLabel = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

function Tile({ label, value, testId }: { label: string; value: string; testId: string }): React.JSX.Element {
  return (
    <div className="stat-tile">
      <div className="muted">{label}</div>
      <strong data-testid={testId}>{value}</strong>
    </div>
  );
}

function Chart({
  title,
  testId,
  empty,
  children,
}: {
  title: string;
  testId: string;
  empty: boolean;
  children: React.ReactElement;
}): React.JSX.Element {
  return (
    <figure className="stat-chart" data-testid={testId} aria-label={title}>
      <figcaption>{title}</figcaption>
      {empty ? <p className="muted">No data yet.</p> : children}
    </figure>
  );
}

const W = 420;

/**
 * A chart of counts by a named category whose names are long (dispositions, flags): bars across,
 * names down the left, every one shown. Along the bottom, recharts dropped names that would overlap,
 * so with three flags the middle bar had none.
 */
function NamedBars({ data, dataKey, fill }: { data: object[]; dataKey: string; fill: string }) {
  return (
    <BarChart width={W} height={H} data={data} margin={MARGIN} layout="vertical">
      <CartesianGrid strokeDasharray="3 3" horizontal={false} />
      <XAxis type="number" allowDecimals={false} fontSize={12} />
      <YAxis type="category" dataKey={dataKey} fontSize={11} width={150} interval={0} />
      <Tooltip />
      <Bar dataKey="count" name="Calls" fill={fill} isAnimationActive={false} />
    </BarChart>
  );
}
const H = 200;
const MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };

/** The statistics tiles and charts for `stats` (the core computes every number). */
export function StatsView({ stats }: { stats: CallStats }): React.JSX.Element {
  const hours = stats.callsPerHour.map((h) => ({ ...h, label: hourLabel(h.hour) }));
  const latency = stats.latencyByHour.map((h) => ({ ...h, label: hourLabel(h.hour) }));
  return (
    <div className="call-stats">
      <div className="stat-tiles">
        <Tile label="Total calls" value={String(stats.total)} testId="stat-total" />
        <Tile label="Active" value={String(stats.active)} testId="stat-active" />
        <Tile label="Success rate (completed)" value={pct(stats.successRate)} testId="stat-success" />
        <Tile label="Answer rate" value={pct(stats.answerRate)} testId="stat-answer" />
        <Tile label="Average duration" value={secs(stats.averageDurationSec)} testId="stat-avg-duration" />
        <Tile
          label="Talk time P50 / P95"
          value={stats.talkTimeSec ? `${stats.talkTimeSec.p50} s / ${stats.talkTimeSec.p95} s` : '—'}
          testId="stat-talk"
        />
        <Tile
          label="Transfers (of answered)"
          value={`${stats.transfers} (${pct(stats.transferRate)})`}
          testId="stat-transfers"
        />
        <Tile label="Machine answered" value={String(stats.machineAnswered)} testId="stat-machine" />
        <Tile
          label="Spend (carrier price)"
          value={`${stats.spend.toFixed(2)}${stats.unpriced > 0 ? ` (${stats.unpriced} pending)` : ''}`}
          testId="stat-spend"
        />
        <Tile
          label="Voice-to-voice P50 / P95"
          value={
            stats.latency ? `${Math.round(stats.latency.p50)} / ${Math.round(stats.latency.p95)} ms` : '—'
          }
          testId="stat-latency"
        />
      </div>
      <div className="stat-charts">
        <Chart title="Calls by outcome" testId="chart-outcomes" empty={stats.byOutcome.length === 0}>
          <BarChart width={W} height={H} data={stats.byOutcome} margin={MARGIN}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="outcome" fontSize={12} interval={0} />
            <YAxis allowDecimals={false} fontSize={12} width={40} />
            <Tooltip />
            <Bar dataKey="count" name="Calls" fill="#60a5fa" isAnimationActive={false} />
          </BarChart>
        </Chart>
        <Chart title="Bot dispositions" testId="chart-dispositions" empty={stats.dispositions.length === 0}>
          <NamedBars data={stats.dispositions} dataKey="disposition" fill="#34d399" />
        </Chart>
        <Chart title="Calls per hour (UTC)" testId="chart-per-hour" empty={hours.length === 0}>
          <BarChart width={W} height={H} data={hours} margin={MARGIN}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" fontSize={12} />
            <YAxis allowDecimals={false} fontSize={12} width={40} />
            <Tooltip />
            <Bar dataKey="calls" name="Calls" fill="#a78bfa" isAnimationActive={false} />
          </BarChart>
        </Chart>
        <Chart
          title="Voice-to-voice latency by hour (ms)"
          testId="chart-latency"
          empty={latency.length === 0}
        >
          <LineChart width={W} height={H} data={latency} margin={MARGIN}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" fontSize={12} />
            <YAxis unit=" ms" fontSize={12} width={64} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line dataKey="p50" name="P50" stroke="#2563eb" dot isAnimationActive={false} />
            <Line dataKey="p95" name="P95" stroke="#f59e0b" dot isAnimationActive={false} />
          </LineChart>
        </Chart>
        <Chart title="Flags (outcome check)" testId="chart-flags" empty={stats.flags.length === 0}>
          <NamedBars data={stats.flags} dataKey="flag" fill="#f87171" />
        </Chart>
      </div>
    </div>
  );
}

/** One campaign's statistics, or every call's, live. */
export function CallStatsPanel({ campaignId }: { campaignId?: string }): React.JSX.Element {
  const { stats, error } = useCallStats(campaignId);
  if (error) return <p className="banner banner--error">{error}</p>;
  if (!stats) return <p className="muted">Loading statistics…</p>;
  return <StatsView stats={stats} />;
}
