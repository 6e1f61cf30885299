import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/api-wait';
import { RawExotel } from '../integration/voicebot/wire-harness';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

// `calldeck serve` with a limit lowered on its command line (the built binary, as an operator runs it).

const running: ServeProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  cleanups.splice(0).forEach((c) => c());
});

describe('calldeck serve limit flags', () => {
  it('--max-sessions 1: a second voicebot stream is refused with close 1013', async () => {
    const { dir, cleanup } = makeTempDir('calldeck-limits-');
    cleanups.push(cleanup);
    const serve = await startServe([
      '--data',
      path.join(dir, 'data'),
      '--port',
      '0',
      '--sandbox',
      '--max-sessions',
      '1',
    ]);
    running.push(serve);
    // Printed just after the UI's URL.
    const base = await until(
      () => /Public surface: (http:\/\/\S+)\/exotel\/([\w-]+)\//.exec(serve.output()) ?? undefined,
      5000,
    );
    const streamUrl = `${base[1]!.replace('http', 'ws')}/voicebot/${base[2]!}/stream`;
    const first = await RawExotel.connect(streamUrl);
    const second = await RawExotel.connect(streamUrl);
    expect(await second.closed).toMatchObject({ code: 1013 });
    expect(first.isOpen).toBe(true);
    first.close();
  });
});
