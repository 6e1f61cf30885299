import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { ROOT } from '../../../helpers/serve-process';

const HERE = path.join(ROOT, 'test', 'e2e', 'helpers', 'fake-electron');
const MARK = '@@fake-electron@@ ';

/** The built bundles this harness runs; e2e tests run after `npm run build`. */
export const BUILT = {
  main: path.join(ROOT, 'out', 'main', 'index.js'),
  preload: path.join(ROOT, 'out', 'preload', 'index.js'),
  renderer: path.join(ROOT, 'out', 'renderer', 'index.html'),
};

export function assertShellBuilt(): void {
  for (const f of Object.values(BUILT)) {
    if (!fs.existsSync(f))
      throw new Error(`${path.relative(ROOT, f)} is missing: run \`npm run build\` before e2e tests`);
  }
}

/**
 * Bundles the renderer's own Api installation (bridge/install.ts) and its error helpers (api.ts) to
 * one CommonJS file in `dir`, as Vite bundles them into the renderer, so the driver can run them in
 * the page's world over whatever the preload exposed. Returns the file's path
 * (pass it to runShell as FAKE_ELECTRON_PAGE_BUNDLE).
 */
export async function bundlePage(dir: string): Promise<string> {
  const renderer = path.join(ROOT, 'src', 'renderer', 'src');
  const entry = path.join(dir, 'page-entry.ts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    entry,
    `export { installBridgeIfNeeded } from ${JSON.stringify(path.join(renderer, 'bridge', 'install.ts'))};\n` +
      `export { fieldErrors, errorMessage } from ${JSON.stringify(path.join(renderer, 'api.ts'))};\n`,
  );
  const outDir = path.join(dir, 'page');
  await build({
    configFile: false,
    envDir: false,
    root: dir,
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      lib: { entry, formats: ['cjs'], fileName: () => 'page.cjs' },
    },
  });
  return path.join(outDir, 'page.cjs');
}

export interface ShellRun {
  code: number | null;
  timedOut: boolean;
  /** Everything the driver reported, by kind (start, result, app-exit, fatal, leak). */
  reports: Map<string, unknown>;
  /** Other output (the core's stderr warnings), for failure messages. */
  output: string;
}

/**
 * Runs the built main + preload bundles in a child Node with the fake electron module, through
 * one driver scenario, and waits (bounded) for the process to end on its own.
 */
export function runShell(
  scenario: string,
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<ShellRun> {
  assertShellBuilt();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, FAKE_ELECTRON_APP_PATH: ROOT, ...env };
  if (!('ELECTRON_RENDERER_URL' in env)) delete childEnv.ELECTRON_RENDERER_URL;
  const child = spawn(
    process.execPath,
    ['-r', path.join(HERE, 'register.cjs'), path.join(HERE, 'drive-shell.cjs'), scenario],
    // Electron apps are started from anywhere: nothing may depend on the working directory.
    { cwd: env.CALLDECK_DATA ? path.dirname(env.CALLDECK_DATA) : ROOT, env: childEnv },
  );
  let stdout = '';
  let output = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const reports = new Map<string, unknown>();
      for (const line of stdout.split('\n')) {
        if (line.startsWith(MARK)) {
          const { kind, data } = JSON.parse(line.slice(MARK.length)) as { kind: string; data: unknown };
          reports.set(kind, data);
        } else if (line.trim() !== '') output += `${line}\n`;
      }
      resolve({ code, timedOut, reports, output });
    });
  });
}

/** The scenario's result report, or a failure that says what happened instead. */
export function resultOf<T>(run: ShellRun): T {
  const result = run.reports.get('result');
  if (result === undefined || run.timedOut) {
    const other = [...run.reports.entries()].filter(([k]) => k !== 'start');
    throw new Error(
      `shell run gave no result (exit ${run.code}${run.timedOut ? ', timed out' : ''}): ` +
        `${JSON.stringify(other)}\n${run.output}`,
    );
  }
  return result as T;
}
