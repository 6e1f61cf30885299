import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CampaignSettingsSchema } from '../../../src/shared/campaigns';
import { silentLogger } from '../../../src/main/core/logging';
import { CampaignsRepository, openDatabase } from '../../../src/main/core/store';
import { CalleeScriptSchema, startSandbox, type Sandbox } from '../../../src/main/core/telephony';
import { makeTempDir } from '../../helpers/temp-dir';
import { ANY_TIME_WINDOW } from '../../helpers/campaign-window';

/**
 * Never twice by accident, through real kills: a child process runs a campaign against a sandbox
 * that lives here (so the provider outlives every kill, as Exotel does) and is killed with SIGKILL
 * at random moments, then started again on the same data folder, until the campaign completes.
 */

const ROOT = path.resolve(__dirname, '../../..');
const JITI = path.join(ROOT, 'node_modules', '.bin', 'jiti');
const CHILD = path.join(__dirname, 'crash-child.ts');
const CONTACTS = 1_000;
const KILLS = Number(process.env.CRASH_KILLS ?? 20);

// …1 busy (retried once), …2 failed (retried once), the rest answer and hang up.
const SCRIPT = CalleeScriptSchema.parse({
  default: { outcome: 'answer', ringSec: 2, hangupAfterSec: 3 },
  callees: [
    { pattern: '1$', outcome: 'busy', ringSec: 2 },
    { pattern: '2$', outcome: 'failed', ringSec: 2 },
  ],
});

let sandbox: Sandbox | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await sandbox?.close();
  cleanup?.();
});

function runChild(dir: string, url: string, id: string, killAfterMs: number | null) {
  const child = spawn(JITI, [CHILD, dir, url, id], { cwd: ROOT });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = killAfterMs === null ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    }),
  );
}

describe('the dialer killed with SIGKILL', () => {
  it(`completes a ${CONTACTS}-contact campaign after ${KILLS} kills with every contact called as its policy says, never more`, async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    sandbox = await startSandbox({
      timeScale: 0.02,
      script: SCRIPT,
      log: silentLogger,
      concurrencyCap: 50,
      requestsPerMinute: 100_000,
    });
    const db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
    const repo = new CampaignsRepository(db);
    const numbers = Array.from({ length: CONTACTS }, (_, i) => `+9197${String(i).padStart(8, '0')}`);
    const settings = CampaignSettingsSchema.parse({
      bot: 'demo',
      mode: 'stream',
      window: ANY_TIME_WINDOW,
      pacing: { maxConcurrent: 10, callsPerMinute: 1500 },
      retry: { maxAttempts: 2, on: ['busy', 'failed'], intervalMinutes: 0, backoff: 'linear' },
      frequencyCapPerDay: 10,
    });
    repo.transaction(() =>
      repo.insert(
        {
          id: 'crash',
          name: 'crash',
          state: 'running',
          listId: 1,
          contactIds: null,
          settings: JSON.stringify(settings),
          createdAt: new Date().toISOString(),
          createdBy: 'tester',
        },
        numbers.map((number, i) => ({ contactId: i + 1, number, name: `C${i}` })),
      ),
    );
    db.close();

    const ends: string[] = [];
    /** Calls the provider had seen at each kill. */
    const seenAtKill: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // A random moment of the run (the child needs ~1-2 s to start under jiti).
      const r = await runChild(tmp.dir, sandbox.url, 'crash', 1_500 + Math.floor(Math.random() * 2_500));
      ends.push(r.signal ?? `exit ${r.code}`);
      seenAtKill.push(sandbox.calls().length);
      if (r.code === 0) break;
      if (r.signal !== 'SIGKILL') throw new Error(`child failed:\n${r.out}`);
    }
    const last = await runChild(tmp.dir, sandbox.url, 'crash', null);
    expect(last.out).toContain('END completed');
    // The kills came mid-run: calls had been placed, and the campaign was not yet done.
    const total = CONTACTS + numbers.filter((n) => /[12]$/.test(n)).length;
    expect(seenAtKill.filter((n, i) => ends[i] === 'SIGKILL' && n > 0 && n < total).length).toBeGreaterThan(
      0,
    );
    console.log(
      `kills: ${ends.join(', ')}; provider calls seen at each: ${seenAtKill.join(', ')} of ${total}`,
    );

    // What the provider saw: each number called exactly as its policy says, never more.
    const byNumber = new Map<string, number>();
    for (const c of sandbox.calls()) byNumber.set(c.from, (byNumber.get(c.from) ?? 0) + 1);
    for (const n of numbers) {
      const expected = /[12]$/.test(n) ? 2 : 1;
      expect(byNumber.get(n) ?? 0, n).toBe(expected);
    }
    // What we recorded: the same totals as an unbroken run, nothing left open.
    const check = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
    const counts = new CampaignsRepository(check).counts('crash');
    check.close();
    const busy = numbers.filter((n) => n.endsWith('1')).length;
    const failed = numbers.filter((n) => n.endsWith('2')).length;
    expect(counts).toMatchObject({
      attempts: CONTACTS + busy + failed,
      inFlight: 0,
      byStatus: { done: CONTACTS },
      byOutcome: { answered: CONTACTS - busy - failed, busy: 2 * busy, failed: 2 * failed },
    });
  }, 180_000);
});
