import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/main/server/program';
import { runVoicebot, type VoicebotCliOptions } from '../../../src/main/server/commands/voicebot';
import { runCliInProcess } from '../../helpers/cli-in-process';
import { makeTempDir } from '../../helpers/temp-dir';
import { RawExotel } from './wire-harness';

// The public surface's limits as typed on the command line (issue 8: configurable, not only through
// the core's config object): the flags go through commander and the core's own limit schemas.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The options `calldeck <args>` parses for `name`, without running the command. */
async function parsed(name: string, args: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram();
  const cmd = program.commands.find((c: Command) => c.name() === name);
  let opts: Record<string, unknown> = {};
  cmd?.action((o: Record<string, unknown>) => {
    opts = o;
  });
  await program.parseAsync(['node', 'calldeck', name, ...args]);
  return opts;
}

describe('limit flags of calldeck voicebot and calldeck serve', () => {
  it('calldeck voicebot --max-sessions 1: the next session is refused with close 1013', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const opts = await parsed('voicebot', [
      '--max-sessions',
      '1',
      '--start-timeout-ms',
      '2000',
      '--port',
      '0',
      '--data',
      dir,
    ]);
    expect(opts).toMatchObject({ maxSessions: 1, startTimeoutMs: 2000 });
    const running = await runVoicebot(opts as unknown as VoicebotCliOptions, () => {});
    cleanups.push(() => running.close());
    const first = await RawExotel.connect(running.streamUrl);
    cleanups.push(() => first.close());
    const second = await RawExotel.connect(running.streamUrl);
    expect(await second.closed).toMatchObject({ code: 1013 });
    expect(first.isOpen).toBe(true);
    // The lowered start timeout holds too: the first socket never sent start.
    expect(await first.closed).toMatchObject({ code: 1008 });
  });

  it('lists every limit with its default in both commands', () => {
    for (const name of ['serve', 'voicebot']) {
      const cmd = buildProgram().commands.find((c: Command) => c.name() === name);
      const help = new Map(cmd?.options.map((o) => [o.long, o.description]));
      expect(help.get('--max-sessions'), name).toMatch(/default 100\)$/);
      expect(help.get('--max-connections'), name).toMatch(/default 256\)$/);
      expect(help.get('--max-frame-bytes'), name).toMatch(/default 65536\)$/);
      expect(help.get('--disk-floor-bytes'), name).toMatch(/default 1073741824\)$/);
    }
  });

  it('a value out of the schema’s range is refused naming the flag, and nothing starts', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const { code, stderr } = await runCliInProcess([
      'voicebot',
      '--max-sessions',
      '0',
      '--port',
      '0',
      '--data',
      dir,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^calldeck: --max-sessions: .*1/);
  });
});
