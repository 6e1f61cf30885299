import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/main/server/program';
import { runSandbox } from '../../../src/main/server/commands/telephony';
import { ExotelClient } from '../../../src/main/core/telephony';
import { silentLogger } from '../../../src/main/core/logging';

describe('calldeck sandbox', () => {
  it('is registered with its options', () => {
    const cmd = buildProgram().commands.find((c) => c.name() === 'sandbox');
    expect(cmd?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--port', '--script', '--time-scale', '--rpm', '--concurrency']),
    );
  });

  it('starts with a script file, prints its base URL and places calls', async () => {
    const lines: string[] = [];
    const sandbox = await runSandbox(
      {
        port: 0,
        host: '127.0.0.1',
        timeScale: 0.005,
        script: path.resolve('resources/sandbox/callees.yaml'),
      },
      (l) => lines.push(l),
      silentLogger,
    );
    try {
      expect(lines[0]).toBe(`Exotel sandbox listening at ${sandbox.url}`);
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = new ExotelClient({
        baseUrl: sandbox.url,
        accountSid: 'AC1',
        apiKey: 'k',
        apiToken: 't',
      });
      const placed = await client.placeCall({
        to: '+919800000001',
        callerId: '+918047000000',
        target: { mode: 'stream', streamUrl: 'ws://127.0.0.1:9/voicebot/x/stream' },
        customField: 'cli',
        statusCallbackUrl: 'http://127.0.0.1:9/none',
      });
      expect(placed.kind).toBe('accepted');
      if (placed.kind === 'accepted') {
        await sandbox.settled(placed.sid);
        expect(sandbox.call(placed.sid)?.status).toBe('busy');
      }
    } finally {
      await sandbox.close();
    }
  });
});
