import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSink } from '../../../src/main/core/logging';
import { makeTempDir } from '../../helpers/temp-dir';
import { makeWireRig, RawExotel, type WireRig } from './wire-harness';

// Issue 8, finding 4: every 404 and every bad stream frame was logged in full, unthrottled (788 MB in
// 10 s). Now a flood of 10,000 refused requests and 10,000 bad frames costs a bounded few KB.

let rig: WireRig | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  for (const c of cleanups.splice(0)) c();
});

describe('log flood on the public surface', () => {
  it('10,000 refused requests and 10,000 bad frames write at most a few hundred KB', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'logs', 'calldeck.log');
    const sink = fileSink(file);
    cleanups.push(() => sink.close());
    rig = await makeWireRig([], { logSinks: [sink] });
    const base = rig.surface.localUrl;
    const t0 = Date.now();

    const c = await RawExotel.connect(rig.streamUrl);
    const big = 'x'.repeat(2 * 1024);
    for (let i = 0; i < 10_000; i++) {
      c.sendRaw(i % 2 ? `{"event":"evil-${i}-${big}"}` : `not json ${i} ${big}`);
    }
    c.begin();
    await c.until(() => c.frames.some((f) => f.event === 'mark'), 'the greeting', 30_000);

    let next = 0;
    const worker = async () => {
      while (next < 10_000 && Date.now() - t0 < 45_000) {
        const i = next++;
        const res = await fetch(`${base}/exotel/wrong-${i}/${'p'.repeat(2000)}`);
        await res.arrayBuffer();
        expect(res.status).toBe(404);
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    expect(next).toBe(10_000);
    c.close();

    const bytes = fs.statSync(file).size;
    expect(bytes).toBeLessThan(300 * 1024);
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4096);
    expect(lines.some((l) => l.includes('"public request refused"'))).toBe(true);
  });
});
