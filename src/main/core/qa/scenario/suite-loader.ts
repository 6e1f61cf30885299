import fs from 'node:fs/promises';
import path from 'node:path';
import {
  scenarioCallers,
  type QaScenarioInfo,
  type QaScenarioProblem,
  type QaSuiteDetail,
  type Scenario,
} from '../../../../shared/qa';
import { parseScenario } from './parse-scenario';

/** Scenario files are bounded: a suite folder is outside input. */
const MAX_SCENARIO_BYTES = 256 * 1024;
const MAX_SCENARIOS = 500;

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

export interface LoadedSuite {
  detail: QaSuiteDetail;
  /** The valid scenarios, by file name order. */
  scenarios: LoadedScenario[];
}

export class SuiteError extends Error {
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(`${dir}: ${message}`);
    this.name = 'SuiteError';
  }
}

async function readScenario(
  dir: string,
  file: string,
): Promise<{ text: string; problem?: QaScenarioProblem }> {
  const full = path.join(dir, file);
  const stat = await fs.stat(full);
  if (stat.size > MAX_SCENARIO_BYTES) {
    return {
      text: '',
      problem: {
        file,
        line: null,
        column: null,
        field: '',
        message: `larger than ${MAX_SCENARIO_BYTES} bytes`,
      },
    };
  }
  return { text: await fs.readFile(full, 'utf8') };
}

/** The scenario files of a suite: *.yaml / *.yml directly in the folder (subfolders hold audio). */
export async function scenarioFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new SuiteError(
      dir,
      `cannot read the suite folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  if (files.length > MAX_SCENARIOS) throw new SuiteError(dir, `more than ${MAX_SCENARIOS} scenario files`);
  return files;
}

/** Loads every scenario of a suite; a bad file is listed with its problems and spoils nothing else. */
export async function loadSuite(dir: string, source: 'bundled' | 'user' = 'user'): Promise<LoadedSuite> {
  const abs = path.resolve(dir);
  const items: QaScenarioInfo[] = [];
  const scenarios: LoadedScenario[] = [];
  for (const file of await scenarioFiles(abs)) {
    const { text, problem } = await readScenario(abs, file);
    const parsed = problem ? { ok: false as const, problems: [problem] } : parseScenario(text, file);
    if (parsed.ok) {
      const s = parsed.scenario;
      scenarios.push({ file, scenario: s });
      items.push({
        file,
        name: s.name,
        tags: s.tags,
        callers: scenarioCallers(s),
        steps: s.steps?.length ?? 0,
        hasGoal: s.goal !== undefined,
        text,
        problems: [],
      });
    } else {
      items.push({
        file,
        name: null,
        tags: [],
        callers: [],
        steps: 0,
        hasGoal: false,
        text,
        problems: parsed.problems,
      });
    }
  }
  return {
    detail: {
      dir: abs,
      name: path.basename(abs),
      source,
      scenarios: items.length,
      invalid: items.filter((i) => i.problems.length > 0).length,
      items,
    },
    scenarios,
  };
}
