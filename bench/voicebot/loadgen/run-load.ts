import { fork } from 'node:child_process';
import path from 'node:path';
import type { ChildMessage } from './child';
import type { LoadReport } from './generator';
import type { LoadPlan } from './plan';

// Starts the generator in a child process (TypeScript run by jiti, a declared devDependency) and
// waits for its report; the child is killed if it overruns `timeoutMs`.

const ROOT = path.resolve(__dirname, '../../..');
const JITI_CLI = path.join(ROOT, 'node_modules/jiti/lib/jiti-cli.mjs');
const CHILD = path.join(__dirname, 'child.ts');

export class LoadRunError extends Error {
  override readonly name = 'LoadRunError';
}

/** `onChild` gets the generator's pid (a meter of the bot's machine use leaves it out). */
export function runLoad(
  plan: LoadPlan,
  timeoutMs: number,
  onChild?: (pid: number | undefined) => void,
): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(JITI_CLI, [CHILD], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    onChild?.(child.pid);
    let answer: ChildMessage | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: ChildMessage) => (answer = m));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (answer?.kind === 'report') resolve(answer.report);
      else if (answer?.kind === 'error') reject(new LoadRunError(`load generator failed: ${answer.message}`));
      else if (timedOut) reject(new LoadRunError(`load generator overran ${timeoutMs} ms and was killed`));
      else reject(new LoadRunError(`load generator exited (${code ?? signal}) without a report`));
    });
    child.send(plan);
  });
}
