import type { QaRunDetail, QaScenarioProblem, QaScenarioRunInfo } from '../../../../shared/qa';

const esc = (s: string) =>
  s
    // XML 1.0 cannot carry most control characters at all.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** What went wrong in one scenario run, one line per failure: the turn, the expectation, what happened. */
export function failureLines(s: QaScenarioRunInfo): string[] {
  if (s.verdict === 'pending') return ['not scored (no evaluator)'];
  const lines = (s.evaluation?.failures ?? []).map((f) => {
    const turn = f.turn === undefined ? 'call' : f.turn === 0 ? 'greeting (turn 0)' : `turn ${f.turn}`;
    return `[${f.kind}] ${turn}: expected ${f.expectation}; ${f.actual}`;
  });
  if (s.error && lines.length === 0) lines.push(`[${s.endReason}] ${s.error}`);
  if (s.verdict === 'no_verdict') {
    for (const j of s.evaluation?.judged ?? []) {
      if (j.verdict === 'no_verdict') lines.push(`[judge] no verdict on "${j.criterion}": ${j.reasoning}`);
    }
  }
  return lines;
}

/** Where a scenario file's problem is and what it is: `broken.yaml:5:1 steps[0].say: is required`. */
export function problemLine(p: QaScenarioProblem): string {
  const at = p.line === null ? p.file : `${p.file}:${p.line}${p.column === null ? '' : `:${p.column}`}`;
  return `${at} ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/** A test case's name: scenario, caller and repeat, so each is its own line in a CI report. */
export const caseName = (s: QaScenarioRunInfo) => `${s.scenarioName} [${s.caller} #${s.repeat}]`;

/**
 * JUnit XML: one test suite for the run, one test case per scenario × caller × repeat. A failed
 * scenario run is a <failure> whose message names the turn, the expectation and what the bot said;
 * a run with no verdict (or not scored) is <skipped> with the reason, never a pass. A scenario file
 * of the suite that could not be read (`invalid`) is an <error> naming its line and field: it never ran.
 */
export function junitXml(
  run: QaRunDetail,
  invalid: readonly { file: string; problems: readonly QaScenarioProblem[] }[] = [],
): string {
  const cases = run.scenarios.map((s) => {
    const attrs = `name="${esc(caseName(s))}" classname="${esc(`${run.suiteName}.${s.scenarioFile.replace(/\.ya?ml$/i, '')}`)}" time="${(s.wallMs / 1000).toFixed(3)}"`;
    const lines = failureLines(s);
    const out = `      <system-out>${esc(
      s.turns
        .map(
          (t) =>
            `turn ${t.index}: caller ${t.callerText ?? '-'} | bot ${s.evaluation?.turns.find((e) => e.index === t.index)?.botText ?? t.botTextReported ?? '-'}`,
        )
        .join('\n'),
    )}</system-out>\n`;
    switch (s.verdict) {
      case 'passed':
        return `    <testcase ${attrs}>\n${out}    </testcase>`;
      case 'failed':
        return `    <testcase ${attrs}>\n      <failure message="${esc(lines[0] ?? 'failed')}" type="${esc(s.evaluation?.failures[0]?.kind ?? s.endReason)}">${esc(lines.join('\n'))}</failure>\n${out}    </testcase>`;
      case 'no_verdict':
      case 'pending':
        return `    <testcase ${attrs}>\n      <skipped message="${esc(lines[0] ?? s.verdict)}"/>\n${out}    </testcase>`;
    }
  });
  // Planned runs that could not run here (e.g. the llm caller with no LLM): skipped with the reason.
  for (const k of run.skipped) {
    const name = `${k.scenarioName} [${k.caller} #${k.repeat}]`;
    cases.push(
      `    <testcase name="${esc(name)}" classname="${esc(`${run.suiteName}.${k.scenarioFile.replace(/\.ya?ml$/i, '')}`)}" time="0.000">\n      <skipped message="${esc(`skipped: ${k.message}`)}"/>\n    </testcase>`,
    );
  }
  for (const item of invalid) {
    const lines = item.problems.map(problemLine);
    cases.push(
      `    <testcase name="${esc(`${item.file} (invalid)`)}" classname="${esc(`${run.suiteName}.${item.file.replace(/\.ya?ml$/i, '')}`)}" time="0.000">\n      <error message="${esc(`not run: ${lines[0] ?? 'invalid scenario file'}`)}" type="invalid_scenario">${esc(lines.join('\n'))}</error>\n    </testcase>`,
    );
  }
  const tests = run.scenarios.length + run.skipped.length + invalid.length;
  const failures = run.scenarios.filter((s) => s.verdict === 'failed').length;
  const skipped =
    run.scenarios.filter((s) => s.verdict === 'no_verdict' || s.verdict === 'pending').length +
    run.skipped.length;
  const time = run.scenarios.reduce((n, s) => n + s.wallMs, 0) / 1000;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="calldeck qa" tests="${tests}" failures="${failures}" errors="${invalid.length}" skipped="${skipped}" time="${time.toFixed(3)}">`,
    `  <testsuite name="${esc(run.suiteName)}" tests="${tests}" failures="${failures}" skipped="${skipped}" errors="${invalid.length}" time="${time.toFixed(3)}" timestamp="${esc(run.startedAt)}">`,
    `    <properties><property name="run" value="${esc(run.id)}"/><property name="bot" value="${esc(run.bot)}"/><property name="seed" value="${run.seed}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
