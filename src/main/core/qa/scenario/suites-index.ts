import fs from 'node:fs/promises';
import path from 'node:path';
import type { QaSuiteSummary } from '../../../../shared/qa';
import { loadSuite } from './suite-loader';

export interface SuiteRoot {
  /** A folder whose sub-folders are suites (resources/qa, <data>/qa/suites). */
  dir: string;
  source: 'bundled' | 'user';
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The suites under each root, then the folders given; a folder that holds no scenario file is not a suite. */
export async function listSuites(roots: SuiteRoot[], extra: string[] = []): Promise<QaSuiteSummary[]> {
  const found: { dir: string; source: 'bundled' | 'user' }[] = [];
  for (const root of roots)
    for (const dir of await subfolders(root.dir)) found.push({ dir, source: root.source });
  for (const dir of extra) found.push({ dir: path.resolve(dir), source: 'user' });
  const seen = new Set<string>();
  const out: QaSuiteSummary[] = [];
  for (const f of found) {
    if (seen.has(f.dir)) continue;
    seen.add(f.dir);
    const suite = await loadSuite(f.dir, f.source);
    if (suite.detail.scenarios === 0) continue;
    const { items: _items, ...summary } = suite.detail;
    out.push(summary);
  }
  return out;
}

/** Which root a suite folder is under (bundled or the user's), for a suite opened by its path. */
export function sourceOf(dir: string, roots: SuiteRoot[]): 'bundled' | 'user' {
  const abs = path.resolve(dir);
  const root = roots.find((r) => abs.startsWith(path.resolve(r.dir) + path.sep));
  return root?.source ?? 'user';
}
