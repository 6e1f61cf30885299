import { InvalidArgumentError, type Command } from 'commander';
import { createLogger, stderrSink, type Logger } from '../../core';
import { DEFAULT_SCRIPT, loadCalleeScript, startSandbox, type CalleeScript, type Sandbox } from '../../core';
import { parsePort } from '../cli-options';
import type { RegisterCommands } from './index';

export interface SandboxCliOptions {
  port: number;
  host: string;
  script?: string;
  timeScale: number;
  rpm?: number;
  concurrency?: number;
  duplicateCallbacks?: boolean;
}

const positive = (label: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${label} must be a positive number`);
  return n;
};

/** Starts the sandbox for `calldeck sandbox` and prints where it listens. */
export async function runSandbox(
  opts: SandboxCliOptions,
  print: (line: string) => void,
  log: Logger = createLogger([stderrSink('info')], 'info', 'sandbox'),
): Promise<Sandbox> {
  const script: CalleeScript = opts.script ? loadCalleeScript(opts.script) : DEFAULT_SCRIPT;
  const sandbox = await startSandbox({
    port: opts.port,
    host: opts.host,
    script,
    timeScale: opts.timeScale,
    requestsPerMinute: opts.rpm,
    concurrencyCap: opts.concurrency,
    duplicateCallbacks: opts.duplicateCallbacks,
    log,
  });
  print(`Exotel sandbox listening at ${sandbox.url}`);
  print(`Calls API: ${sandbox.url}/v1/Accounts/<any-sid>/Calls/connect.json (any Basic credentials)`);
  return sandbox;
}

/** `calldeck sandbox`: the local Exotel, standalone (rehearse campaigns with no account). */
export const registerTelephonyCommands: RegisterCommands = (program: Command) => {
  program
    .command('sandbox')
    .description("run a local Exotel sandbox (Exotel's Calls API, callee scripts, status callbacks)")
    .option('--port <n>', 'port (0 = any free port)', parsePort, 0)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--script <file>', 'callee script (YAML or JSON); see resources/sandbox/callees.yaml')
    .option(
      '--time-scale <x>',
      'wall seconds per sandbox second (0.1 = 10× faster)',
      positive('time scale'),
      1,
    )
    .option('--rpm <n>', 'API requests per minute before HTTP 429', positive('rpm'))
    .option('--concurrency <n>', 'concurrent calls before HTTP 429', positive('concurrency'))
    .option('--duplicate-callbacks', 'send every status callback twice')
    .action(async (opts: SandboxCliOptions) => {
      const sandbox = await runSandbox(opts, (line) => process.stdout.write(line + '\n'));
      const shutdown = () => {
        sandbox.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`error while stopping the sandbox: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
};
