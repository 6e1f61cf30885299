import path from 'node:path';
import type { Command } from 'commander';
import { createLogger, stderrSink, type Logger } from '../../core';
import { startStandaloneVoicebot, type StandaloneVoicebot } from '../../core';
import { dataOption, parsePort } from '../cli-options';
import { FileSecretStore } from '../file-secret-store';
import { SECRETS_FILE } from '../host-server';
import type { RegisterCommands } from './index';

export interface VoicebotCliOptions {
  port: number;
  bot?: string;
  data: string;
}

/** Starts the voicebot's public surface for `calldeck voicebot` and prints its stream URL. */
export async function runVoicebot(
  opts: VoicebotCliOptions,
  print: (line: string) => void,
  log: Logger = createLogger([stderrSink('info')], 'info', 'voicebot'),
): Promise<StandaloneVoicebot> {
  const dataDir = path.resolve(opts.data);
  const running = await startStandaloneVoicebot({
    dataDir,
    secrets: new FileSecretStore(path.join(dataDir, SECRETS_FILE)),
    port: opts.port,
    botFile: opts.bot ? path.resolve(opts.bot) : undefined,
    log,
  });
  print(`Voicebot stream: ${running.streamUrl}`);
  return running;
}

/** `calldeck voicebot`: the bot alone on its public surface, for QA and other tools. */
export const registerVoicebotCommands: RegisterCommands = (program: Command) => {
  dataOption(
    program
      .command('voicebot')
      .description('run the voicebot alone: prints the WebSocket URL Exotel (or a QA tool) streams calls to')
      .option('--port <n>', 'port (0 = any free port)', parsePort, 0)
      .option('--bot <file>', 'bot definition (YAML); default: the demo appointment-reminder bot'),
  ).action(async (opts: VoicebotCliOptions) => {
    const running = await runVoicebot(opts, (line) => process.stdout.write(line + '\n'));
    const shutdown = () => {
      running.close().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`error while stopping the voicebot: ${String(err)}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
};
