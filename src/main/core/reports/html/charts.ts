import { escapeHtml as esc } from '../../../../shared/html';

/**
 * Charts as inline SVG drawn from the summary's numbers: no script, no library, nothing fetched,
 * and they print. Every bar carries its number as text, so the chart reads without colour too.
 */

export interface Bar {
  label: string;
  value: number;
  /** Shown instead of the value (e.g. `640 ms`, `58.3%`). */
  text?: string;
  color?: string;
}

const PALETTE = ['#0969da', '#1a7f37', '#bf8700', '#cf222e', '#8250df', '#57606a', '#1b7c83', '#bc4c00'];
const OUTCOME_COLORS: Record<string, string> = {
  completed: '#1a7f37',
  busy: '#bf8700',
  no_answer: '#57606a',
  failed: '#cf222e',
  canceled: '#8c959f',
  interrupted: '#bc4c00',
  passed: '#1a7f37',
  no_verdict: '#bf8700',
  pending: '#8c959f',
};

export const colorFor = (label: string, i: number): string =>
  OUTCOME_COLORS[label] ?? PALETTE[i % PALETTE.length] ?? '#0969da';

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Horizontal bars, one a row, scaled to the largest value. */
export function barChart(title: string, bars: Bar[], chartId: string): string {
  const rowH = 24;
  const labelW = 150;
  const barW = 320;
  const width = labelW + barW + 90;
  const height = Math.max(1, bars.length) * rowH + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const y = i * rowH + 4;
    const w = Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * barW));
    return (
      `<g data-label="${esc(b.label)}" data-value="${b.value}">` +
      `<text x="${labelW - 6}" y="${y + 16}" text-anchor="end">${esc(b.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="${b.color ?? colorFor(b.label, i)}"/>` +
      `<text x="${labelW + w + 6}" y="${y + 16}">${esc(b.text ?? fmt(b.value))}</text></g>`
    );
  });
  const empty = bars.length === 0 ? `<text x="8" y="18">no data</text>` : '';
  return (
    `<figure class="chart" id="${esc(chartId)}"><figcaption>${esc(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="12" font-family="system-ui,sans-serif">` +
    `${rows.join('')}${empty}</svg></figure>`
  );
}

/** One share as a filled bar out of 100% (answer rate, success rate); `null` reads "not yet". */
export function rateChart(title: string, rate: number | null, detail: string, chartId: string): string {
  const width = 420;
  const fill = rate === null ? 0 : Math.round(rate * 300);
  const text = rate === null ? 'no finished calls' : `${(rate * 100).toFixed(1)}%`;
  return (
    `<figure class="chart" id="${esc(chartId)}" data-value="${rate ?? ''}"><figcaption>${esc(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(`${title}: ${text}`)}" width="${width}" height="34" viewBox="0 0 ${width} 34" font-size="12" font-family="system-ui,sans-serif">` +
    `<rect x="0" y="6" width="300" height="20" fill="#eaeef2"/><rect x="0" y="6" width="${fill}" height="20" fill="#1a7f37"/>` +
    `<text x="308" y="21">${esc(text)}</text></svg><small>${esc(detail)}</small></figure>`
  );
}

export interface TimelineMark {
  /** ms after the call was placed. */
  atMs: number;
  kind: 'bot' | 'caller';
  label: string;
}

/**
 * One call on a time axis: ringing (placed → answered) in grey, the conversation (answered → ended)
 * in green, a tick per transcript line (bot above, caller below) where it started.
 */
export function callTimelineSvg(
  ringMs: number | null,
  totalMs: number,
  marks: readonly TimelineMark[],
): string {
  const width = 600;
  const x0 = 4;
  const span = Math.max(1, totalMs, ...marks.map((m) => m.atMs));
  const x = (ms: number) => x0 + Math.round((Math.max(0, ms) / span) * (width - 2 * x0));
  const ringEnd = ringMs ?? totalMs;
  const parts = [
    `<rect class="ringing" x="${x(0)}" y="14" width="${Math.max(1, x(ringEnd) - x(0))}" height="10" fill="#d0d7de"><title>ringing ${(ringEnd / 1000).toFixed(1)} s</title></rect>`,
  ];
  if (ringMs !== null)
    parts.push(
      `<rect class="talk" x="${x(ringMs)}" y="14" width="${Math.max(1, x(totalMs) - x(ringMs))}" height="10" fill="#1a7f37"><title>in call ${((totalMs - ringMs) / 1000).toFixed(1)} s</title></rect>`,
    );
  for (const m of marks) {
    const mx = x(m.atMs);
    const [y1, y2, color] = m.kind === 'bot' ? [2, 14, '#0969da'] : [24, 36, '#8250df'];
    parts.push(
      `<line class="mark ${m.kind}" x1="${mx}" x2="${mx}" y1="${y1}" y2="${y2}" stroke="${color}" stroke-width="2"><title>${esc(m.label)}</title></line>`,
    );
  }
  const end = `${(totalMs / 1000).toFixed(1)} s`;
  return (
    `<svg class="timeline-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(`call timeline, ${end}`)}" width="${width}" height="52" viewBox="0 0 ${width} 52" font-size="11" font-family="system-ui,sans-serif">` +
    `${parts.join('')}<text x="${x0}" y="50">0 s</text><text x="${width - x0}" y="50" text-anchor="end">${esc(end)}</text></svg>`
  );
}
