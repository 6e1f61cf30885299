import { afterEach, describe, expect, it } from 'vitest';
import { FULL_APP } from '../../../src/main/core';
import { startCliCore } from '../../../src/main/server/cli-core';
import { makeTempDir } from '../../helpers/temp-dir';

/** How many listening TCP servers this process holds now. */
const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// `calldeck import` and `lists` build the core through the composition root on the DATA_TOOL
// profile: the database, the audit log and the Api; no public surface, no sandbox, no voicebot.
describe("a CLI command's core (DATA_TOOL profile)", () => {
  it('opens no port, starts no voicebot, and answers telephony as unavailable', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const before = servers();
    const core = await startCliCore(dir);
    cleanups.push(() => core.stop());
    await new Promise((r) => setTimeout(r, 200));
    expect(servers()).toBe(before);
    expect(core.publicSurfaceUrl).toBeNull();
    expect(core.voicebotUrl).toBeNull();
    const call = await core.invoke('telephony.placeTestCall', { number: '+919876543210' });
    expect(call).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // The Api itself works: a query answers.
    expect(await core.invoke('contacts.lists', {})).toMatchObject({ ok: true });
  });

  it('the full profile, for contrast, listens', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const before = servers();
    const core = await startCliCore(dir, FULL_APP);
    cleanups.push(() => core.stop());
    expect(servers()).toBeGreaterThan(before);
    expect(core.publicSurfaceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exotel\//);
  });
});
