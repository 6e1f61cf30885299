import fs from 'node:fs';
import path from 'node:path';

const realOrResolved = (p: string) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

/** A QA run's audio file as its artifact names it, and whether it may go into a report or bundle. */
export interface QaRunsFile {
  file: string;
  /** Under the data folder's qa/runs once links are resolved (else never read into an export). */
  inside: boolean;
}

/**
 * Resolves QA audio artifacts' paths (relative to the data folder) for exports and bundles: only a
 * file under qa/runs, links resolved, may be read into one, as a report or bundle leaves the
 * machine and a path elsewhere must not pull another file into it.
 */
export function qaRunsFiles(dataDir: string): (rel: string) => QaRunsFile {
  const runsDir = realOrResolved(path.join(dataDir, 'qa', 'runs'));
  return (rel) => {
    const file = path.resolve(dataDir, rel);
    return { file, inside: realOrResolved(file).startsWith(runsDir + path.sep) };
  };
}
