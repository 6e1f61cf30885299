import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveStatic } from '../../../src/main/server/static-files';
import { makeTempDir } from '../../helpers/temp-dir';

// Issue 8, finding 8: `/index.html%00.js` answered 500 on the headless host (a NUL byte reached
// fs.statSync, which threw). Malformed paths answer 400 or 404, never 500.

let server: http.Server | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  cleanup?.();
});

async function serve(): Promise<string> {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  fs.writeFileSync(path.join(tmp.dir, 'index.html'), '<!doctype html><title>ok</title>');
  fs.mkdirSync(path.join(tmp.dir, 'assets'));
  fs.writeFileSync(path.join(tmp.dir, 'assets', 'app.js'), 'console.log(1)');
  server = http.createServer((req, res) => {
    try {
      serveStatic(tmp.dir, req, res);
    } catch {
      res.writeHead(500).end('Internal error'); // what the host does with a throw
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('static files of the headless host', () => {
  it('answers malformed paths with 400 or 404, never 500', async () => {
    const base = await serve();
    const paths = [
      '/index.html%00.js',
      '/%00',
      '/assets/app.js%00',
      '/assets%00/app.js',
      '/%E0%A4%A',
      `/${'a'.repeat(5000)}.js`,
      `/${'a/'.repeat(3000)}x.js`,
      '/index.html/x.js',
      '/..%2f..%2fetc%2fpasswd.js',
    ];
    for (const p of paths) {
      const res = await fetch(base + p);
      expect([400, 404], p).toContain(res.status);
    }
  });

  it('still serves real files and the client-side route fallback', async () => {
    const base = await serve();
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(200);
    const route = await fetch(`${base}/calls`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('ok');
  });
});
