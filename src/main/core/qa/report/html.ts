import { escapeHtml as esc, REPORT_BASE_CSS as CSS } from '../../../../shared/html';
import type { QaRunDetail, QaScenarioRunInfo } from '../../../../shared/qa';
import { caseName, failureLines } from './junit';

function turnsTable(s: QaScenarioRunInfo): string {
  const rows = s.turns.map((t) => {
    const score = s.evaluation?.turns.find((e) => e.index === t.index);
    const fails = (s.evaluation?.failures ?? []).filter((f) => f.turn === t.index);
    return `<tr><td>${t.index}</td><td>${esc(t.action)}</td><td>${esc(score?.callerText || t.callerText || '')}</td><td>${esc(score?.botText ?? t.botTextReported ?? '')}</td><td>${score?.latencyMs ?? ''}</td><td>${fails.map((f) => `<div class="failed">[${esc(f.kind)}] ${esc(f.expectation)}: ${esc(f.actual)}</div>`).join('')}</td></tr>`;
  });
  return `<table><tr><th>turn</th><th>caller did</th><th>caller said</th><th>bot said (heard)</th><th>latency ms</th><th>failures</th></tr>${rows.join('')}</table>`;
}

/** A self-contained HTML report of a run (no script, no outside file): the summary, then each scenario run. */
export function htmlReport(run: QaRunDetail): string {
  const rows = run.scenarios.map(
    (s, i) =>
      `<tr><td><a href="#s${i}">${esc(caseName(s))}</a></td><td class="${s.verdict}">${s.verdict}</td><td>${esc(s.endReason)}</td><td>${esc(s.disposition ?? '')}</td><td>${(s.durationMs / 1000).toFixed(1)} s</td><td>${esc(failureLines(s).join('; '))}</td></tr>`,
  );
  const sections = run.scenarios.map(
    (s, i) =>
      `<h2 id="s${i}">${esc(caseName(s))} <span class="${s.verdict}">${s.verdict}</span></h2>
<p><code>${esc(s.scenarioFile)}</code> · seed ${s.seed} · ${esc(
        Object.entries(s.variables)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      )}</p>
${turnsTable(s)}${(s.evaluation?.notes ?? []).map((n) => `<p><small>${esc(n)}</small></p>`).join('')}`,
  );
  // Planned runs that could not run here (e.g. the llm caller with no LLM): listed, never a failure.
  const skipped = run.skipped.map(
    (k) =>
      `<tr><td>${esc(`${k.scenarioName} [${k.caller} #${k.repeat}]`)}</td><td class="pending">skipped</td><td colspan="3"></td><td>${esc(k.message)}</td></tr>`,
  );
  const c = run.counts;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>QA run ${esc(run.suiteName)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>${CSS}</style></head><body>
<h1>QA run: ${esc(run.suiteName)}</h1>
<p>Bot <code>${esc(run.bot)}</code> · started ${esc(run.startedAt)} · seed ${run.seed} · ${run.repeat} repeat(s) · state ${esc(run.state)}${run.speedRatio ? ` · ${run.speedRatio.toFixed(1)}× real time` : ''}</p>
<p><strong class="passed">${c.passed} passed</strong> · <strong class="failed">${c.failed} failed</strong> · ${c.no_verdict} no verdict · ${c.pending} not scored${run.skipped.length ? ` · ${run.skipped.length} skipped` : ''}</p>
<table><tr><th>scenario</th><th>verdict</th><th>end</th><th>disposition</th><th>media</th><th>why</th></tr>${rows.join('')}${skipped.join('')}</table>
${sections.join('\n')}
</body></html>
`;
}
