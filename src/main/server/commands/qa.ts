import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type {
  QaCallerKind,
  QaRunDetail,
  QaScenarioProblem,
  QaSuiteDetail,
  QaUpdatedEvent,
} from '../../../shared/qa';
import type { QaRescoreInfo } from '../../../shared/qa-rescore';
import {
  compareSuite,
  DATA_TOOL,
  htmlReport,
  junitXml,
  failureLines,
  problemLine,
  caseName,
  summariseRuns,
  toComparable,
  type Core,
  type SuiteComparison,
} from '../../core';
import { dataOption } from '../cli-options';
import { call, startCliCore } from '../cli-core';
import type { RegisterCommands } from './index';

export interface QaRunCliOptions {
  data: string;
  bot?: string;
  botFile?: string;
  caller: string;
  parallel: string;
  repeat: string;
  seed: string;
  baseline?: string;
  junit?: string;
  html?: string;
  json?: boolean;
}

export interface QaRunCliResult {
  run: QaRunDetail;
  comparison: SuiteComparison | null;
  /** The suite's scenario files that could not be read as scenarios: they did not run. */
  invalid: { file: string; problems: QaScenarioProblem[] }[];
  /**
   * 0 only when every scenario run passed, every scenario file of the suite was valid and nothing
   * regressed against the baseline. Skipped runs (e.g. the llm caller with no LLM configured) neither
   * pass nor fail; a run where nothing ran is 1.
   */
  exitCode: number;
}

const CALLERS = ['synthetic', 'human', 'llm', 'all'] as const;

function positive(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** Waits for the run's end, printing progress as scenario runs finish. */
function followRun(core: Core, runId: string, progress: (line: string) => void): Promise<QaUpdatedEvent> {
  return new Promise((resolve) => {
    const stop = core.subscribe((event, payload) => {
      if (event !== 'qa.updated') return;
      const u = payload as QaUpdatedEvent;
      if (u.runId !== runId) return;
      if (u.state === 'running') {
        if (u.scenarioRunId) progress(`  ${u.done}/${u.total}`);
        return;
      }
      stop();
      resolve(u);
    });
  });
}

/**
 * `calldeck qa run`: the suite through core.invoke on a core of its own (the bot in process unless a
 * bot URL is given), then the reports. Exit 0 only when every scenario run passed and, with a
 * baseline, nothing regressed.
 */
export async function runQaSuite(
  suiteDir: string,
  opts: QaRunCliOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<QaRunCliResult> {
  if (!(CALLERS as readonly string[]).includes(opts.caller)) {
    throw new Error(`--caller must be one of ${CALLERS.join(', ')}`);
  }
  if (opts.bot && opts.botFile) throw new Error('give --bot (a URL) or --bot-file, not both');
  if (opts.bot && !/^wss?:\/\//i.test(opts.bot)) throw new Error('--bot must be a ws:// or wss:// URL');
  const parallel = positive('parallel', opts.parallel, 32);
  const repeat = positive('repeat', opts.repeat, 100);
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a whole number, 0 or more');
  const cpu0 = process.cpuUsage();
  const core = await startCliCore(
    opts.data,
    DATA_TOOL,
    opts.botFile ? { botFile: path.resolve(opts.botFile) } : {},
  );
  try {
    const callers: QaCallerKind[] | undefined =
      opts.caller === 'all' ? undefined : [opts.caller as QaCallerKind];
    // The run takes the valid scenarios; a file that is not one must not pass unnoticed in CI.
    const suiteInfo = await call<QaSuiteDetail>(core, 'qa.suite', { dir: path.resolve(suiteDir) });
    const invalid = suiteInfo.items
      .filter((i) => i.problems.length > 0)
      .map((i) => ({ file: i.file, problems: i.problems }));
    const started = await call<{ runId: string; jobId: string }>(core, 'qa.run', {
      dir: path.resolve(suiteDir),
      ...(opts.bot ? { bot: opts.bot } : {}),
      ...(callers ? { callers } : {}),
      parallel,
      repeat,
      seed,
    });
    err(`QA run ${started.runId}: ${path.resolve(suiteDir)}`);
    const end = await followRun(core, started.runId, err);
    const run = await call<QaRunDetail>(core, 'qa.runDetail', { runId: started.runId });
    let comparison: SuiteComparison | null = null;
    if (opts.baseline) {
      const base = await call<QaRunDetail>(core, 'qa.runDetail', { runId: opts.baseline });
      comparison = compareSuite(base.scenarios.map(toComparable), run.scenarios.map(toComparable));
    }
    if (opts.junit) await fs.writeFile(opts.junit, junitXml(run, invalid));
    if (opts.html) await fs.writeFile(opts.html, htmlReport(run));
    const allPassed = run.scenarios.length > 0 && run.scenarios.every((s) => s.verdict === 'passed');
    const regressed = (comparison?.regressions.length ?? 0) > 0;
    const exitCode = end.state === 'finished' && allPassed && !regressed && invalid.length === 0 ? 0 : 1;
    if (opts.json) {
      out(JSON.stringify({ run, comparison, invalid, exitCode }, null, 2));
    } else {
      for (const s of run.scenarios) {
        out(`${s.verdict.toUpperCase().padEnd(10)} ${caseName(s)}`);
        for (const line of s.verdict === 'passed' ? [] : failureLines(s)) out(`           ${line}`);
      }
      for (const k of run.skipped) {
        out(`SKIPPED    ${k.scenarioName} [${k.caller} #${k.repeat}]: ${k.message}`);
      }
      for (const item of invalid) {
        for (const p of item.problems) out(`INVALID    ${problemLine(p)} (not run)`);
      }
      for (const r of summariseRuns(run.scenarios).filter((x) => x.rates.flaky)) {
        out(`FLAKY      ${r.scenarioName} [${r.caller}]: passed ${r.rates.passes} of ${r.rates.runs}`);
      }
      const c = run.counts;
      out(
        `${c.passed} passed, ${c.failed} failed, ${c.no_verdict} no verdict, ${c.pending} not scored` +
          `${run.skipped.length ? `, ${run.skipped.length} skipped` : ''}` +
          `${invalid.length ? `, ${invalid.length} invalid scenario file${invalid.length === 1 ? '' : 's'} not run` : ''} (${run.state})`,
      );
      if (comparison) {
        out(
          `against ${opts.baseline}: ${comparison.regressions.length} regressed, ${comparison.fixes.length} fixed, ` +
            `${comparison.onlyInBaseline.length} only in the baseline, ${comparison.onlyInCurrent.length} new`,
        );
        for (const r of comparison.regressions)
          out(`REGRESSED  ${r.scenario} [${r.caller}] ${r.kinds.join(', ')}`);
      }
      const media = run.scenarios.reduce((n, s) => n + s.durationMs, 0) / 1000;
      if (run.speedRatio !== null) {
        out(
          `${media.toFixed(1)} s of calls in ${(media / run.speedRatio).toFixed(1)} s: ${run.speedRatio.toFixed(1)}x real time`,
        );
      }
      // The wall clock depends on what else the machine runs; this process's CPU time does not.
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      // Nothing simulated (every caller failed at once): a ratio of 0 would only mislead.
      if (cpuS > 0 && media > 0)
        out(
          `CPU: ${cpuS.toFixed(1)} s in this process (${(media / cpuS).toFixed(1)}x real time per CPU second)`,
        );
    }
    return { run, comparison, invalid, exitCode };
  } finally {
    await core.stop();
  }
}

/**
 * `calldeck qa rescore RUN_ID`: a stored run scored again with the current evaluator, judge and
 * scenario files (kept beside its verdicts), printing what changed. Exit 0 only when every scenario
 * run passes as scored now.
 */
export async function runQaRescore(
  runId: string,
  opts: { data: string; json?: boolean },
  out: (line: string) => void,
): Promise<{ rescore: QaRescoreInfo; exitCode: number }> {
  const core = await startCliCore(opts.data, DATA_TOOL);
  try {
    const rescore = await call<QaRescoreInfo>(core, 'qa.rescore', { runId });
    const exitCode = rescore.results.length > 0 && rescore.results.every((r) => r.after === 'passed') ? 0 : 1;
    if (opts.json) {
      out(JSON.stringify({ rescore, exitCode }, null, 2));
      return { rescore, exitCode };
    }
    for (const r of rescore.results) {
      const verdicts = r.changed ? `${r.before} -> ${r.after}` : r.after;
      out(
        `${(r.changed ? 'CHANGED' : 'SAME').padEnd(8)} ${verdicts.padEnd(22)} ${r.scenarioName} [${r.caller} #${r.repeat}]`,
      );
      for (const f of r.newFailures) out(`         + [${f.kind}] ${f.expectation}; ${f.actual}`);
      for (const f of r.goneFailures) out(`         - [${f.kind}] ${f.expectation}; ${f.actual}`);
      if (r.error) out(`         ${r.error}`);
      const judge = (j: QaRescoreInfo['results'][number]['judgeAfter']) =>
        j ? `${j.model} (${j.promptVersion}, temperature ${j.temperature})` : 'none';
      if (JSON.stringify(r.judgeBefore) !== JSON.stringify(r.judgeAfter))
        out(`         judge: ${judge(r.judgeBefore)} -> ${judge(r.judgeAfter)}`);
    }
    out(
      `re-score ${rescore.id} of run ${runId}: ${rescore.changed} of ${rescore.results.length} verdicts changed`,
    );
    return { rescore, exitCode };
  } finally {
    await core.stop();
  }
}

/** `calldeck qa run SUITE_DIR`, `calldeck qa rescore RUN_ID`. */
export const registerQaCommands: RegisterCommands = (program: Command) => {
  const qa = program.command('qa').description('QA: run scenario suites against a voicebot');
  dataOption(
    qa
      .command('run')
      .argument('<suite-dir>', 'folder of scenario files (*.yaml)')
      .description('run a suite; exit 0 only when every scenario passes (and nothing regressed)')
      .option(
        '--bot <url>',
        "a bot's stream URL (ws:// or wss://), paced in real time; default: the bot in process",
      )
      .option('--bot-file <file>', 'run this bot definition (YAML) in process')
      .option('--caller <kind>', "synthetic | human | llm | all (each scenario's own callers)", 'all')
      .option('--parallel <n>', 'scenario runs at a time', '4')
      .option('--repeat <k>', 'runs of each scenario and caller', '1')
      .option('--seed <n>', 'seed of generated variables and effects', '1')
      .option('--baseline <run-id>', 'compare with an earlier run in the same data folder')
      .option('--junit <file>', 'write a JUnit XML report')
      .option('--html <file>', 'write an HTML report')
      .option('--json', 'print the run as JSON'),
  ).action(async (suiteDir: string, opts: QaRunCliOptions) => {
    const result = await runQaSuite(
      suiteDir,
      opts,
      (line) => process.stdout.write(line + '\n'),
      (line) => process.stderr.write(line + '\n'),
    );
    process.exitCode = result.exitCode;
  });
  dataOption(
    qa
      .command('rescore')
      .argument('<run-id>', 'a finished run in the data folder')
      .description(
        'score a run again with the current evaluator, judge and scenario files; the old verdicts are kept',
      )
      .option('--json', 'print the re-score as JSON'),
  ).action(async (runId: string, opts: { data: string; json?: boolean }) => {
    const result = await runQaRescore(runId, opts, (line) => process.stdout.write(line + '\n'));
    process.exitCode = result.exitCode;
  });
};
