import { runGenerator, type LoadReport } from './generator';
import type { LoadPlan } from './plan';

// The load generator's own process (started by runLoad): takes one plan over IPC, plays it, sends
// back the report, exits. Keeping the callers out of the bot's process leaves the bot its core.

export type ChildMessage = { kind: 'report'; report: LoadReport } | { kind: 'error'; message: string };

const reply = (m: ChildMessage) =>
  new Promise<void>((resolve) => {
    if (process.send) process.send(m, () => resolve());
    else resolve();
  });

process.once('message', (plan: LoadPlan) => {
  runGenerator(plan)
    .then((report) => reply({ kind: 'report', report }))
    .catch((err: unknown) =>
      reply({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    )
    .finally(() => process.disconnect?.());
});
