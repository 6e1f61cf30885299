import fs from 'node:fs';
import path from 'node:path';
import { loadCalleeScript } from '../core';

/** The callee script bundled with the app, used by the sandbox when none is given. */
export const BUNDLED_CALLEE_SCRIPT = path.join('sandbox', 'callees.yaml');

/**
 * Where the bundled script is: next to the built bundle (out/main → ../../resources), next to the
 * sources (src/main/server → ../../../resources, as tests run them), or under the working directory
 * (the same search as the voicebot's resources folder).
 */
export function bundledCalleeScriptFile(
  candidates: string[] = [
    path.resolve(__dirname, '../../resources'),
    path.resolve(__dirname, '../../../resources'),
    path.resolve(process.cwd(), 'resources'),
  ],
): string {
  const found = candidates
    .map((dir) => path.join(dir, BUNDLED_CALLEE_SCRIPT))
    .find((file) => fs.existsSync(file));
  if (!found) throw new Error(`the bundled sandbox script (resources/${BUNDLED_CALLEE_SCRIPT}) is missing`);
  return found;
}

/** `calldeck serve`'s sandbox script: the file given with --sandbox-script, else the bundled one. */
export function serveSandboxScript(file: string | undefined): unknown {
  return loadCalleeScript(file ? path.resolve(file) : bundledCalleeScriptFile());
}
