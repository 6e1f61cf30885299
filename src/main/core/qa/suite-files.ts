import fs from 'node:fs/promises';
import path from 'node:path';
import { scenarioCallers, type QaScenarioInfo } from '../../../shared/qa';
import { ScenarioFileNameSchema, type QaSaveScenarioResult } from '../../../shared/qa-edit';
import { parseScenario } from './scenario/parse-scenario';
import { scenarioFiles } from './scenario/suite-loader';

/** Why a scenario file could not be written: the caller's mistake, said plainly. */
export class ScenarioFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioFileError';
  }
}

export interface SaveScenarioInput {
  dir: string;
  file: string;
  text: string;
  /** A new file: refused when one of that name exists. */
  create: boolean;
  /** The core's own writes only (never the page's): the folder may be created as a new suite. */
  startSuite?: boolean;
}

const isNotFound = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * The file's full path, only ever directly inside the suite folder: the name is a bare file name
 * (checked again here, not only at the Api edge), the folder is a real folder, and an existing file
 * must be a regular file (a symlink could point anywhere).
 */
async function targetPath(dir: string, file: string, create: boolean, startSuite = false): Promise<string> {
  const name = ScenarioFileNameSchema.safeParse(file);
  if (!name.success || path.basename(file) !== file) {
    throw new ScenarioFileError(
      `${JSON.stringify(file)} is not a scenario file name (a bare name ending .yaml or .yml)`,
    );
  }
  if (!path.isAbsolute(dir)) throw new ScenarioFileError(`the suite folder must be an absolute path: ${dir}`);
  if (startSuite) await fs.mkdir(dir, { recursive: true });
  const folder = await fs.stat(dir).catch((err: unknown) => {
    if (isNotFound(err)) throw new ScenarioFileError(`no suite folder at ${dir}`);
    throw err;
  });
  if (!folder.isDirectory()) throw new ScenarioFileError(`${dir} is not a folder`);
  // Only a folder that already is a suite takes scenario files: the page cannot start one anywhere.
  if (!startSuite && (await scenarioFiles(dir)).length === 0)
    throw new ScenarioFileError(`${dir} holds no scenarios: not a suite folder`);
  const full = path.join(dir, file);
  if (path.dirname(full) !== path.resolve(dir)) throw new ScenarioFileError(`${file} is not inside ${dir}`);
  const existing = await fs.lstat(full).catch((err: unknown) => {
    if (isNotFound(err)) return null;
    throw err;
  });
  if (existing && !existing.isFile()) throw new ScenarioFileError(`${file} in ${dir} is not a regular file`);
  if (existing && create) throw new ScenarioFileError(`${file} already exists in ${dir}`);
  return full;
}

function describe(file: string, text: string): QaScenarioInfo {
  const parsed = parseScenario(text, file);
  if (!parsed.ok) {
    return {
      file,
      name: null,
      tags: [],
      callers: [],
      steps: 0,
      hasGoal: false,
      text,
      problems: parsed.problems,
    };
  }
  const s = parsed.scenario;
  return {
    file,
    name: s.name,
    tags: s.tags,
    callers: scenarioCallers(s),
    steps: s.steps?.length ?? 0,
    hasGoal: s.goal !== undefined,
    text,
    problems: [],
  };
}

/** Validates a scenario's text with the runner's own parser, for the file it would be written to. */
export async function checkScenarioFile(
  input: Omit<SaveScenarioInput, 'create'>,
): Promise<QaSaveScenarioResult> {
  await targetPath(input.dir, input.file, false);
  const item = describe(input.file, input.text);
  return { saved: false, problems: item.problems, item };
}

/**
 * Validates a scenario's text with the runner's own parser and, when it is valid, writes it into the
 * suite folder (a temp file renamed over the old one, so a reader never sees half a file). An invalid
 * scenario is never written.
 */
export async function saveScenarioFile(input: SaveScenarioInput): Promise<QaSaveScenarioResult> {
  const item = describe(input.file, input.text);
  if (item.problems.length > 0) {
    await targetPath(input.dir, input.file, input.create);
    return { saved: false, problems: item.problems, item };
  }
  const full = await targetPath(input.dir, input.file, input.create, input.startSuite);
  const temp = path.join(path.dirname(full), `.${input.file}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(temp, input.text, { encoding: 'utf8', flag: 'wx' });
    await fs.rename(temp, full);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  return { saved: true, problems: [], item };
}

/** Whether `dir` is a suite folder directly inside one of `roots` (links resolved). */
async function isSuiteOf(dir: string, roots: readonly string[]): Promise<boolean> {
  const real = (p: string) => fs.realpath(p).catch(() => null);
  const parent = await real(path.dirname((await real(dir)) ?? dir));
  if (parent === null) return false;
  for (const r of roots) if ((await real(r)) === parent) return true;
  return false;
}

/**
 * Copies a suite folder (its scenarios and recordings) to `root/name` as a new suite of the user's:
 * how a bundled suite becomes one to edit. Only CallDeck's own suites (directly inside `from`'s
 * allowed `roots`) are copied: a copy takes the whole folder, so any folder holding a .yaml would
 * otherwise be pulled, subfolders and all, into the data folder (and its backups). The name is one
 * folder name; an existing folder is kept.
 */
export async function copySuiteFolder(
  from: string,
  roots: readonly string[],
  root: string,
  name: string,
): Promise<string> {
  if (!(await isSuiteOf(from, roots)))
    throw new ScenarioFileError(
      `${path.resolve(from)} is not one of CallDeck's suites (bundled or yours): only those are copied`,
    );
  const scenarios = await scenarioFiles(from).catch(() => [] as string[]);
  if (scenarios.length === 0) throw new ScenarioFileError(`${from} holds no scenarios: not a suite folder`);
  const target = path.join(root, name);
  if (path.dirname(target) !== path.resolve(root) || name.startsWith('.'))
    throw new ScenarioFileError(`${JSON.stringify(name)} is not a suite name (one folder name)`);
  await fs.mkdir(root, { recursive: true });
  try {
    await fs.mkdir(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ScenarioFileError(`a suite named "${name}" already exists (${target})`);
    throw err;
  }
  // Symlinks are not followed (a link in a suite could point anywhere): copied as links, never read through.
  await fs.cp(from, target, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
  return target;
}
