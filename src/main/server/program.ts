import { Command } from 'commander';
import path from 'node:path';
import { NoDatabaseError, verifyAuditChain } from '../core';
import { dataOption, parsePort, readVersion } from './cli-options';
import { limitOptions, limitsFromOptions } from './limit-options';
import { COMMANDS } from './commands';
import { registerVerifyBundle } from './commands/audit-bundle';
import { registerAuditSlice } from './commands/audit-slice';
import { FileSecretStore } from './file-secret-store';
import { serveSandboxScript } from './sandbox-script';
import { SECRETS_FILE, startServer } from './host-server';

/** `calldeck …`: the headless host and the command-line tools. */

export function buildProgram(): Command {
  const program = new Command('calldeck')
    .description('CallDeck: run and audit outbound voicebot call campaigns over Exotel')
    .version(readVersion());

  limitOptions(dataOption(program.command('serve')))
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
        const { publicSurface, voicebotLimits } = limitsFromOptions(opts);
        const server = await startServer({
          publicSurface,
          voicebotLimits,
          dataDir: path.resolve(opts.data),
          port: opts.port,
          host: opts.host,
          rendererDir: path.join(__dirname, '../renderer'),
          version: readVersion(),
          telephony: opts.sandbox ? 'sandbox' : 'auto',
          publicPort: opts.publicPort,
          sandboxScript: serveSandboxScript(opts.sandboxScript),
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
    .description('check the hash chain and its anchored head; exits 1 naming the first problem')
    .option('--json', 'print the result as JSON')
    .action((opts: { data: string; json?: boolean }) => {
      const dataDir = path.resolve(opts.data);
      // The headless host's key store; the desktop app keeps its key in the OS keychain instead.
      const key = new FileSecretStore(path.join(dataDir, SECRETS_FILE)).get('audit.key');
      const result = verifyAuditChain(dataDir, key);
      if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
      else {
        const anchored =
          result.anchoredRows === null ? 'no head file' : `anchored head: ${result.anchoredRows} rows`;
        if (result.ok)
          process.stdout.write(`Audit log OK: ${result.rows} rows, head ${result.headHash} (${anchored})\n`);
        else
          process.stdout.write(
            `Audit log BROKEN at row ${result.brokenAt}: ${result.reason} (${result.rows} rows verified; ${anchored})\n`,
          );
        for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);
      }
      process.exitCode = result.ok ? 0 : 1;
    });
  registerVerifyBundle(audit);
  registerAuditSlice(audit);

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
