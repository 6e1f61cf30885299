import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { it } from 'vitest';
import type { Channel } from '../../src/shared/api/contract';
import { openDatabase } from '../../src/main/core/store';
import { launchChromium } from '../../test/helpers/browser';
import { makeTestCore } from '../../test/helpers/core';
import { ROOT } from '../../test/helpers/serve-process';

const CALLS = 10_000;
const EVENTS_PER_SEC = 50;
const MEASURE_MS = 10_000;
/** The few browser globals the in-page code uses (this file is type-checked without the DOM library). */
interface Scroller {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}
interface PageGlobals {
  __benchInvoke: (c: string, r: unknown) => Promise<unknown>;
  __benchPush: (event: string, payload: unknown, seq?: number) => void;
  calldeckIpc: unknown;
  calldeck: { calls: { board: (r: { limit: number }) => Promise<Record<string, unknown>[]> } };
  document: { querySelector: (selector: string) => Scroller | null };
  requestAnimationFrame: (step: (ts: number) => void) => void;
}

const STATES = ['queued', 'dialing', 'ringing', 'in_progress', 'completed', 'busy', 'no_answer', 'failed'];

/** 10,000 attempts written straight into the core's database (the board reads them through calls.board). */
function seed(dataDir: string): void {
  const db = openDatabase(path.join(dataDir, 'calldeck.sqlite'));
  const insert = db.prepare(
    `INSERT INTO call_attempts (id, number, mode, provider, custom_field, state, created_at, updated_at,
       answered_at, ended_at, duration_sec, answered_by, campaign_id)
     VALUES (@id, @number, 'stream', 'sandbox', @id, @state, @at, @at, @answered, @ended, @duration, @by, 'bench')`,
  );
  const t0 = Date.now() - CALLS * 1000;
  db.transaction(() => {
    for (let i = 0; i < CALLS; i++) {
      const at = new Date(t0 + i * 1000).toISOString();
      // Finished calls only: start-up recovery would settle open ones. Pushes make them live below.
      const state = ['completed', 'busy', 'no_answer', 'failed'][i % 4] ?? 'completed';
      const answered = state === 'completed' ? at : null;
      insert.run({
        id: `bench-${i}`,
        number: `+9198${String(i).padStart(8, '0')}`,
        state,
        at,
        answered,
        ended: at,
        duration: answered ? 30 + (i % 90) : null,
        by: answered ? 'human' : null,
      });
    }
  })();
  db.close();
}

/** The built renderer, as `calldeck serve` would serve it (the page's Api comes from the bench). */
function serveRenderer(): Promise<{ url: string; close: () => void }> {
  const dir = path.join(ROOT, 'out', 'renderer');
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error('run `npm run build` first');
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
  };
  const server = http.createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html');
    const file = path.join(dir, path.normalize(name));
    if (!file.startsWith(dir) || !fs.existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => server.close(),
      }),
    ),
  );
}

/**
 * The live board in Chromium with 10,000 calls and 50 call.updated pushes a second while the board
 * scrolls: frames per second counted in the page with requestAnimationFrame (goal ≥ 30). The page's
 * Api is a real core (every request goes to core.invoke); the pushes are made in the page from the
 * board's own rows (each a call moving to its next state), so the figure is the renderer's alone.
 */
it('call board: 10,000 calls, 50 events/s', async () => {
  const { core, dir, cleanup } = await makeTestCore();
  seed(dir);
  const site = await serveRenderer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.exposeFunction('__benchInvoke', (channel: Channel, request: unknown) =>
      core.invoke(channel, request),
    );
    await page.addInitScript(() => {
      const w = globalThis as unknown as PageGlobals;
      w.calldeckIpc = {
        invoke: (channel: string, request: unknown) => w.__benchInvoke(channel, request),
        subscribe: (listener: PageGlobals['__benchPush']) => {
          w.__benchPush = listener;
          return () => undefined;
        },
        stage: () => Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'bench' } }),
      };
    });
    let t = performance.now();
    await page.goto(`${site.url}#/calls`);
    await page
      .getByTestId('board-count')
      .filter({ hasText: `${CALLS} calls` })
      .waitFor({ timeout: 60_000 });
    const loadMs = performance.now() - t;

    t = performance.now();
    const result = await page.evaluate(
      async ({ eventsPerSec, measureMs, states }) => {
        const w = globalThis as unknown as PageGlobals;
        const rows = await w.calldeck.calls.board({ limit: 20_000 });
        const scroller = w.document.querySelector('[data-testid="board-scroller"]');
        if (!scroller) throw new Error('no board on the page');
        let sent = 0;
        let seq = 0;
        const began = performance.now();
        const pushOne = () => {
          const row = rows[Math.floor(Math.random() * rows.length)];
          if (!row) return;
          const state = states[(states.indexOf(String(row.state)) + 1) % states.length];
          const now = new Date().toISOString();
          const attempt = { ...row, state, updatedAt: now };
          row.state = state;
          w.__benchPush('call.updated', {
            attempt,
            event: {
              seq: ++seq,
              attemptId: row.id,
              source: 'bench',
              type: String(state),
              payload: {},
              receivedAt: now,
            },
          });
          sent++;
        };
        // Timers are clamped: each tick sends what is due, so the rate holds on average.
        const push = setInterval(() => {
          const due = Math.floor(((performance.now() - began) * eventsPerSec) / 1000);
          while (sent < due) pushOne();
        }, 1000 / eventsPerSec);
        const frames: number[] = [];
        await new Promise<void>((done) => {
          const start = performance.now();
          const step = (ts: number) => {
            frames.push(ts);
            // Scroll down and back so rows keep entering the view.
            scroller.scrollTop = (scroller.scrollTop + 40) % (scroller.scrollHeight - scroller.clientHeight);
            if (ts - start < measureMs) w.requestAnimationFrame(step);
            else done();
          };
          w.requestAnimationFrame(step);
        });
        clearInterval(push);
        const gaps = frames.slice(1).map((f, i) => f - (frames[i] ?? f));
        gaps.sort((a, b) => a - b);
        const span = (frames.at(-1) ?? 0) - (frames[0] ?? 0);
        return {
          fps: ((frames.length - 1) * 1000) / span,
          p95FrameMs: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
          worstFrameMs: gaps.at(-1) ?? 0,
          sent,
          seconds: span / 1000,
        };
      },
      { eventsPerSec: EVENTS_PER_SEC, measureMs: MEASURE_MS, states: STATES },
    );
    const wallMs = performance.now() - t;
    console.log(
      [
        `board bench (${CALLS} calls, ${EVENTS_PER_SEC} call.updated/s, scrolling, Chromium headless)`,
        `  first load to ${CALLS} rows:  ${loadMs.toFixed(0)} ms`,
        `  frames per second:         ${result.fps.toFixed(1)} (goal ≥ 30)`,
        `  frame time P95 / worst:    ${result.p95FrameMs.toFixed(1)} / ${result.worstFrameMs.toFixed(1)} ms`,
        `  events pushed:             ${result.sent} in ${result.seconds.toFixed(1)} s (${(result.sent / result.seconds).toFixed(1)}/s; wall ${(wallMs / 1000).toFixed(1)} s)`,
      ].join('\n'),
    );
  } finally {
    await browser.close();
    site.close();
    await cleanup();
  }
});
