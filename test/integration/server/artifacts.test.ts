import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/main/server';
import type { RejectCsv } from '../../../src/shared/contacts';
import type { ApiEvents } from '../../../src/shared/api/events';
import { makeTempDir } from '../../helpers/temp-dir';

// Produced files reach the page by id over `GET /artifacts/<id>` on the headless host: token-guarded
// like the bridge, streamed with Range for seeking, and only ever files inside the data folder.

describe('headless host: artifacts by id', () => {
  let server: RunningServer;
  let cleanup = () => {};
  let dataDir: string;
  let outside: string;
  let reject: RejectCsv;
  let rejectFile: string;

  const url = (id: string, query = '') => `http://127.0.0.1:${server.port}/artifacts/${id}${query}`;
  const withToken = (id: string, extra = '') => url(id, `?token=${server.token}${extra}`);

  beforeAll(async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    dataDir = path.join(tmp.dir, 'data');
    outside = path.join(tmp.dir, 'outside.txt');
    fs.writeFileSync(outside, 'not for the page');
    const ui = path.join(tmp.dir, 'ui');
    fs.mkdirSync(ui);
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>CallDeck</title>');
    server = await startServer({
      dataDir,
      port: 0,
      host: '127.0.0.1',
      rendererDir: ui,
      version: 'test',
      telephony: 'sandbox',
    });
    // A list with rejected rows, imported through the Api as the page does.
    const csv = path.join(tmp.dir, 'customers.csv');
    fs.writeFileSync(csv, 'name,phone\nAsha,+919876543210\nBad,12\nDup,+919876543210\nसीमा,99\n');
    const staged = server.core.stageFile(csv);
    if (!staged.ok) throw new Error(staged.error.message);
    const finished = new Promise<ApiEvents['contacts.importFinished']>((resolve) =>
      server.core.subscribe((event, payload) => {
        if (event === 'contacts.importFinished') resolve(payload as ApiEvents['contacts.importFinished']);
      }),
    );
    const started = await server.core.invoke('contacts.startImport', {
      fileId: staged.value.id,
      listName: 'Artifacts',
      mapping: { phone: 'phone', name: 'name' },
    });
    if (!started.ok) throw new Error(started.error.message);
    const done = await finished;
    if (!done.outcome.ok) throw new Error(done.outcome.message);
    const res = await server.core.invoke('contacts.rejectCsv', { listId: done.outcome.summary.listId });
    if (!res.ok) throw new Error(res.error.message);
    reject = res.value as RejectCsv;
    const [file] = fs.readdirSync(path.join(dataDir, 'exports', 'rejects'));
    rejectFile = path.join(dataDir, 'exports', 'rejects', file ?? '');
  }, 30_000);
  afterAll(async () => {
    await server.close();
    cleanup();
  });

  it('the reject file is an artifact: the reply carries its id, not its content', () => {
    expect(reject).toMatchObject({
      fileName: 'Artifacts-rejects.csv',
      rows: 3,
      artifact: { kind: 'reject_file', name: 'Artifacts-rejects.csv', mime: 'text/csv; charset=utf-8' },
    });
    expect(reject).not.toHaveProperty('content');
    expect(reject.artifact.size).toBe(fs.statSync(rejectFile).size);
  });

  it('serves the bytes of the file with its type, length and disposition, never cached', async () => {
    const res = await fetch(withToken(reject.artifact.id, '&download=1'));
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(fs.readFileSync(rejectFile))).toBe(true);
    expect(body.toString('utf8')).toContain('Bad,12,');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(body.length));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Artifacts-rejects.csv"; filename*=UTF-8''Artifacts-rejects.csv`,
    );
    const inline = await fetch(withToken(reject.artifact.id));
    expect(inline.headers.get('content-disposition')).toMatch(/^inline;/);
    await inline.arrayBuffer();
  });

  it('answers byte ranges (media seeking) and refuses ranges past the end', async () => {
    const whole = fs.readFileSync(rejectFile);
    const mid = await fetch(withToken(reject.artifact.id), { headers: { Range: 'bytes=5-14' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe(`bytes 5-14/${whole.length}`);
    expect(mid.headers.get('content-length')).toBe('10');
    expect(Buffer.from(await mid.arrayBuffer()).equals(whole.subarray(5, 15))).toBe(true);
    const tail = await fetch(withToken(reject.artifact.id), { headers: { Range: 'bytes=-7' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(whole.length - 7))).toBe(true);
    const open = await fetch(withToken(reject.artifact.id), {
      headers: { Range: `bytes=${whole.length - 3}-` },
    });
    expect(Buffer.from(await open.arrayBuffer()).equals(whole.subarray(whole.length - 3))).toBe(true);
    const past = await fetch(withToken(reject.artifact.id), { headers: { Range: `bytes=${whole.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    const head = await fetch(withToken(reject.artifact.id), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(whole.length));
  });

  it('requires the token, and refuses foreign origins and cross-site fetches', async () => {
    expect((await fetch(url(reject.artifact.id))).status).toBe(401);
    expect((await fetch(url(reject.artifact.id, '?token=wrong'))).status).toBe(401);
    const header = await fetch(url(reject.artifact.id), { headers: { 'x-calldeck-token': server.token } });
    expect(header.status).toBe(200);
    await header.arrayBuffer();
    const foreign = await fetch(withToken(reject.artifact.id), {
      headers: { Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const crossSite = await fetch(withToken(reject.artifact.id), {
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect((await fetch(withToken(reject.artifact.id), { method: 'POST' })).status).toBe(405);
  });

  it('404 for unknown ids; ids that are paths are not ids', async () => {
    const unknown = await fetch(withToken('00000000-0000-4000-8000-000000000000'));
    expect(unknown.status).toBe(404);
    for (const id of [
      '..%2Fcalldeck.sqlite',
      '..%2F..%2Foutside.txt',
      'calldeck.sqlite',
      '%2Fetc%2Fpasswd',
    ]) {
      const res = await fetch(withToken(id));
      expect(res.status).toBe(400);
      expect(await res.text()).toBe('Not an artifact id');
    }
  });

  it('never serves a registered path that escapes the data folder or goes through a link', async () => {
    // Rows as a tampered database could hold them: a path out of the folder, a symlink to outside,
    // a link to the database itself.
    fs.symlinkSync(outside, path.join(dataDir, 'exports', 'link.txt'));
    fs.mkdirSync(path.join(dataDir, 'linked-dir'));
    fs.symlinkSync(path.dirname(outside), path.join(dataDir, 'linked-dir', 'up'));
    const db = new Database(path.join(dataDir, 'calldeck.sqlite'));
    const ids = {
      escape: '11111111-1111-4111-8111-111111111111',
      absolute: '22222222-2222-4222-8222-222222222222',
      link: '33333333-3333-4333-8333-333333333333',
      dirLink: '44444444-4444-4444-8444-444444444444',
    };
    const insert = db.prepare(
      `INSERT INTO artifacts (id, kind, name, mime, size, rel_path, created_at)
       VALUES (?, 'export', 'x.txt', 'text/plain', 1, ?, '2026-01-01T00:00:00.000Z')`,
    );
    insert.run(ids.escape, '../outside.txt');
    insert.run(ids.absolute, outside);
    insert.run(ids.link, 'exports/link.txt');
    insert.run(ids.dirLink, 'linked-dir/up/outside.txt');
    db.close();
    for (const id of Object.values(ids)) {
      const res = await fetch(withToken(id));
      const text = await res.text();
      expect(res.status, id).toBe(404);
      expect(text).not.toContain('not for the page');
    }
    // The route is for ids only: a dotted path never reaches the data folder.
    const dotted = await fetch(
      `http://127.0.0.1:${server.port}/artifacts/../calldeck.sqlite?token=${server.token}`,
    );
    expect(dotted.status).not.toBe(200);
  });

  it('asking for the reject file again replaces the old file and its artifact', async () => {
    const listId = Number(/list-(\d+)-/.exec(path.basename(rejectFile))?.[1]);
    const again = await server.core.invoke('contacts.rejectCsv', { listId });
    if (!again.ok) throw new Error(again.error.message);
    const next = again.value as RejectCsv;
    expect(next.artifact.id).not.toBe(reject.artifact.id);
    expect(fs.readdirSync(path.join(dataDir, 'exports', 'rejects'))).toHaveLength(1);
    expect(fs.existsSync(rejectFile)).toBe(false);
    expect((await fetch(withToken(reject.artifact.id))).status).toBe(404);
    const res = await fetch(withToken(next.artifact.id));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Bad,12,');
  });

  it("deleting the list deletes its reject file (the rows it holds are the list's contacts)", async () => {
    const listId = Number(
      /list-(\d+)-/.exec(fs.readdirSync(path.join(dataDir, 'exports', 'rejects'))[0] ?? '')?.[1],
    );
    const current = await server.core.invoke('contacts.rejectCsv', { listId });
    if (!current.ok) throw new Error(current.error.message);
    const { artifact } = current.value as RejectCsv;
    expect((await fetch(withToken(artifact.id))).status).toBe(200);
    const deleted = await server.core.invoke('contacts.deleteList', { listId });
    expect(deleted.ok).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, 'exports', 'rejects'))).toEqual([]);
    expect((await fetch(withToken(artifact.id))).status).toBe(404);
  });
});
