import { Command, InvalidArgumentError, Option } from 'commander';
import { fmt } from '../timing';
import { callerAudio } from './audio';
import { runGenerator } from './generator';
import type { LoadMode } from './plan';
import { describe, summarise } from './summary';

// `npm run loadgen -- --url ws://…/voicebot/<secret>/ --calls 20`: the load generator against any bot
// that speaks Exotel's stream protocol, e.g. `calldeck voicebot` in its own process. This process is
// the generator (no further child); it prints one summary line, or JSON with every call.

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a whole number ≥ 0`);
  return n;
};

interface Options {
  url: string;
  calls: number;
  mode: LoadMode;
  seed: number;
  rampMs: number;
  lines: string;
  maxWaitMs: number;
  audioCache?: string;
  json?: boolean;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('loadgen')
    .description('plays N simultaneous Exotel-side callers against a bot stream URL, real time')
    .requiredOption('--url <ws-url>', "the bot's stream URL (each call adds call-<i> to it)")
    .option('--calls <n>', 'simultaneous calls', positive('--calls'), 10)
    .addOption(
      new Option('--mode <mode>', 'staggered or worst_case')
        .choices(['staggered', 'worst_case'])
        .default('staggered'),
    )
    .option('--seed <n>', 'seed of answer times and pauses', positive('--seed'), 1)
    .option('--ramp-ms <n>', 'answer times spread over this long', positive('--ramp-ms'), 5000)
    .option(
      '--lines <a,b,…>',
      'what each caller says, in order: text (said by flite, cached) or .wav recordings',
      'yes,change,friday,no',
    )
    .option('--max-wait-ms <n>', 'longest wait for a bot turn to play', positive('--max-wait-ms'), 30_000)
    .option('--audio-cache <dir>', 'where the flite-made lines are kept (default node_modules/.cache)')
    .option('--json', 'print the summary and every call as JSON')
    .parse(argv);
  const o = program.opts<Options>();
  const lines = o.lines
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  const turns = await callerAudio(lines, o.audioCache);
  const report = await runGenerator({
    url: o.url.endsWith('/') ? o.url : `${o.url}/`,
    calls: o.calls,
    mode: o.mode,
    seed: o.seed,
    rampMs: o.rampMs,
    thinkMs: { min: 300, max: 1500 },
    turns,
    maxWaitMs: o.maxWaitMs,
    callSidPrefix: `loadgen-${Date.now()}`,
    hangupAfterLastReply: true,
  });
  const summary = summarise(report);
  if (o.json) {
    const { voiceToVoice: _, ...rest } = summary;
    console.log(JSON.stringify({ summary: rest, slip: report.slip, calls: report.calls }));
  } else {
    console.log(`${o.calls} calls, ${o.mode}, ${fmt(report.wallMs / 1000)} s: ${describe(summary, report)}`);
  }
  if (summary.failedCalls > 0) process.exitCode = 1;
}

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
