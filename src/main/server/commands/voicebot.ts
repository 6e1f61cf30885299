import path from 'node:path';
import type { Command } from 'commander';
import { VOICEBOT_TOOL, type Core } from '../../core';
import { dataOption, parsePort } from '../cli-options';
import { startCliCore } from '../cli-core';
import { limitOptions, limitsFromOptions } from '../limit-options';
import type { RegisterCommands } from './index';

export interface VoicebotCliOptions {
  port: number;
  bot?: string;
  data: string;
}

export interface RunningVoicebot {
  /** `ws://127.0.0.1:PORT/voicebot/<secret>/`: any path below it opens a session. */
  readonly streamUrl: string;
  readonly core: Core;
  close(): Promise<void>;
}

/**
 * Starts the core with only the voicebot on its public surface (no sandbox, no calls placed) for
 * `calldeck voicebot`, and prints its stream URL. Streams belong to no call attempt: their `start`
 * custom parameters fill the bot's variables.
 */
export async function runVoicebot(
  opts: VoicebotCliOptions,
  print: (line: string) => void,
): Promise<RunningVoicebot> {
  const { publicSurface, voicebotLimits } = limitsFromOptions(opts);
  const core = await startCliCore(opts.data, VOICEBOT_TOOL, {
    publicSurface,
    voicebot: { limits: voicebotLimits },
    publicPort: opts.port,
    botFile: opts.bot ? path.resolve(opts.bot) : undefined,
  });
  const streamUrl = core.voicebotUrl;
  if (!streamUrl) {
    await core.stop();
    throw new Error('the voicebot did not start (its profile starts no public surface)');
  }
  print(`Voicebot stream: ${streamUrl}`);
  return { streamUrl, core, close: () => core.stop() };
}

/** `calldeck voicebot`: the bot alone on its public surface, for QA and other tools. */
export const registerVoicebotCommands: RegisterCommands = (program: Command) => {
  limitOptions(
    dataOption(
      program
        .command('voicebot')
        .description(
          'run the voicebot alone: prints the WebSocket URL Exotel (or a QA tool) streams calls to',
        )
        .option('--port <n>', 'port (0 = any free port)', parsePort, 0)
        .option('--bot <file>', 'bot definition (YAML); default: the demo appointment-reminder bot'),
    ),
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
