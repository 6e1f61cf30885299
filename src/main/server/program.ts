import { Command } from 'commander';
import path from 'node:path';
import { NoDatabaseError, verifyAuditChain } from '../core';
import { loadCalleeScript } from '../core';
import { dataOption, parsePort, readVersion } from './cli-options';
import { COMMANDS } from './commands';
import { startServer } from './host-server';

/** `calldeck …`: the headless host and the command-line tools. */

export function buildProgram(): Command {
  const program = new Command('calldeck')
    .description('CallDeck: run and audit outbound voicebot call campaigns over Exotel')
    .version(readVersion());

  dataOption(program.command('serve'))
    .description('run CallDeck headless and serve the app to a browser on this machine')
    .option('--port <n>', 'UI port (0 = any free port)', parsePort, 0)
    .option('--host <address>', 'address to listen on (keep it loopback unless you know why)', '127.0.0.1')
    .option(
      '--public-port <n>',
      'port of the public surface Exotel reaches through the tunnel (0 = any)',
      parsePort,
      0,
    )
    .option(
      '--sandbox',
      'rehearsal mode: every call goes to the local Exotel sandbox, even with credentials set',
    )
    .option('--sandbox-script <file>', 'callee script (YAML/JSON) for the sandbox')
    .action(
      async (opts: {
        data: string;
        port: number;
        host: string;
        publicPort: number;
        sandbox?: boolean;
        sandboxScript?: string;
      }) => {
        const server = await startServer({
          dataDir: path.resolve(opts.data),
          port: opts.port,
          host: opts.host,
          rendererDir: path.join(__dirname, '../renderer'),
          version: readVersion(),
          telephony: opts.sandbox ? 'sandbox' : 'auto',
          publicPort: opts.publicPort,
          sandboxScript: opts.sandboxScript ? loadCalleeScript(path.resolve(opts.sandboxScript)) : undefined,
        });
        process.stdout.write(`CallDeck is running at ${server.url}\n`);
        process.stdout.write(`Public surface: ${server.core.publicSurfaceUrl}\n`);
        process.stdout.write(`Data folder: ${server.core.info.dataDir}\n`);
        const shutdown = (signal: string) => {
          process.stdout.write(`\n${signal}: stopping CallDeck…\n`);
          server.close().then(
            () => process.exit(0),
            (err: unknown) => {
              process.stderr.write(`error while stopping: ${String(err)}\n`);
              process.exit(1);
            },
          );
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      },
    );

  const audit = program.command('audit').description('the tamper-evident audit log');
  dataOption(audit.command('verify'))
    .description('check the hash chain; exits non-zero naming the first broken row')
    .option('--json', 'print the result as JSON')
    .action((opts: { data: string; json?: boolean }) => {
      const result = verifyAuditChain(path.resolve(opts.data));
      if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
      else if (result.ok)
        process.stdout.write(`Audit log OK: ${result.rows} rows, head ${result.headHash}\n`);
      else
        process.stdout.write(
          `Audit log BROKEN at row ${result.brokenAt}: ${result.reason} (${result.rows} rows verified before it)\n`,
        );
      process.exitCode = result.ok ? 0 : 1;
    });

  // Each domain's commands live in commands/<domain>.ts and register themselves here.
  for (const register of COMMANDS) register(program);

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    const message = err instanceof NoDatabaseError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`calldeck: ${message}\n`);
    process.exitCode = 2;
  }
}
