import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../src/shared/api/events';
import type { JobInfo } from '../../../src/shared/jobs';
import type { TestCallResult } from '../../../src/shared/telephony';
import { openDatabase, type Core } from '../../../src/main/core';
import { untilAsync } from '../../helpers/api-wait';
import { openFolderCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

const posix = process.platform !== 'win32';

/** Every entry under `dir` with its permission bits. */
function modes(dir: string): Map<string, number> {
  const out = new Map<string, number>([['.', fs.statSync(dir).mode & 0o777]]);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), fs.lstatSync(full).mode & 0o777);
  }
  return out;
}

const sqliteBytes = (file: string) =>
  Buffer.concat(
    [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
  );

describe('data at rest', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it.skipIf(!posix)(
    'a real start and a test call with recordings leave the folder 0700 and every file 0600, old installs included',
    async () => {
      const { dir, cleanup } = makeTempDir();
      cleanups.push(cleanup);
      const oldUmask = process.umask(0o022);
      cleanups.push(() => void process.umask(oldUmask));
      // An install made by an older version: world-readable database, logs and recordings.
      fs.chmodSync(dir, 0o755);
      const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
      db.close();
      fs.chmodSync(path.join(dir, 'calldeck.sqlite'), 0o644);
      fs.mkdirSync(path.join(dir, 'logs'), { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'logs', 'calldeck.log'), '', { mode: 0o644 });
      fs.mkdirSync(path.join(dir, 'recordings', 'old-session'), { recursive: true, mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'recordings', 'old-session', 'mix.wav'), 'RIFF', { mode: 0o644 });
      fs.chmodSync(path.join(dir, 'recordings'), 0o755);
      fs.chmodSync(path.join(dir, 'recordings', 'old-session'), 0o755);

      const core: Core = await openFolderCore(dir, {
        telephony: 'sandbox',
        sandboxTimeScale: 0.05,
        sandboxScript: {
          callees: [
            {
              number: '+919800000201',
              ringSec: 1,
              hangupAfterSec: 12,
              says: [{ silenceSec: 8 }, { say: 'yes' }],
            },
          ],
        },
      });
      let stopped = false;
      cleanups.push(async () => {
        if (!stopped) await core.stop();
      });
      const ended = new Promise<ApiEvents['voicebot.sessionEnded']>((resolve) =>
        core.subscribe((event, payload) => {
          if (event === 'voicebot.sessionEnded') resolve(payload as ApiEvents['voicebot.sessionEnded']);
        }),
      );
      const placed = await core.invoke('telephony.placeTestCall', { number: '+919800000201', mode: 'flow' });
      expect(placed.ok && (placed.value as TestCallResult).outcome.ok).toBe(true);
      const staged = await core.stageUpload(
        Readable.from([Buffer.from('phone\n9876543210\n')]),
        'list.csv',
        1e6,
      );
      expect(staged.ok).toBe(true);
      await Promise.race([
        ended,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('no voicebot session ended in 40 s')), 40_000),
        ),
      ]);
      // Exports are written into the data folder too: an HTML report with its recordings, and a CSV.
      const today = new Date().toISOString().slice(0, 10);
      for (const format of ['html', 'csv'] as const) {
        const started = await core.invoke('reports.export', {
          scope: { kind: 'range', from: today, to: today },
          format,
          ...(format === 'html' ? { audio: 'folder' } : {}),
        });
        if (!started.ok) throw new Error(started.error.message);
        const { jobId } = started.value as { jobId: string };
        const job = await untilAsync(async () => {
          const j = await core.invoke('jobs.get', { jobId });
          const info = j.ok ? (j.value as JobInfo) : undefined;
          return info?.state === 'running' ? undefined : info;
        }, 60_000);
        expect(job.error).toBeNull();
      }
      // Everything the running app wrote, the upload in flight and the live -wal/-shm included.
      const running = modes(dir);
      await core.stop();
      stopped = true;
      const after = modes(dir);

      for (const seen of [running, after]) {
        for (const [name, mode] of seen) {
          const isDir = fs.existsSync(path.join(dir, name))
            ? fs.statSync(path.join(dir, name)).isDirectory()
            : false;
          if (isDir || name === '.') expect([name, mode.toString(8)]).toEqual([name, '700']);
          else expect([name, mode.toString(8)]).toEqual([name, '600']);
        }
      }
      const names = [...running.keys()];
      for (const expected of [
        'calldeck.sqlite',
        'calldeck.sqlite-wal',
        'calldeck.sqlite-shm',
        'calldeck.audit-head.json',
        'secrets.json',
        path.join('logs', 'calldeck.log'),
        'uploads',
        'exports',
      ])
        expect(names).toContain(expected);
      // Both exports, whatever shape each takes (an HTML report with a folder is zipped with it).
      expect(names.filter((n) => n.startsWith(`exports${path.sep}`)).length).toBeGreaterThanOrEqual(2);
      expect(
        names.filter((n) => n.startsWith(`recordings${path.sep}`) && n.endsWith('.wav')).length,
      ).toBeGreaterThan(3);
      expect(names.some((n) => n.startsWith(`uploads${path.sep}`))).toBe(true);
    },
    90_000,
  );

  it('moves the public secret of an older install into the secret store: same URLs, gone from the database', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const legacy = 'Pasted_Into_Exotel_0123456789abcdef';
    const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('public.secret', ?, 'x')").run(
      JSON.stringify(legacy),
    );
    db.close();
    const secretsFile = path.join(dir, 'secrets.json');
    const start = () =>
      openFolderCore(dir, {
        telephony: 'sandbox',
      });
    const core = await start();
    expect(core.publicSurfaceUrl).toContain(`/exotel/${legacy}/`);
    await core.stop();
    expect(sqliteBytes(path.join(dir, 'calldeck.sqlite')).includes(legacy)).toBe(false);
    const raw = new Database(path.join(dir, 'calldeck.sqlite'));
    expect(raw.prepare("SELECT COUNT(*) AS n FROM settings WHERE key = 'public.secret'").get()).toEqual({
      n: 0,
    });
    raw.close();
    expect(JSON.parse(fs.readFileSync(secretsFile, 'utf8'))).toMatchObject({ 'public.secret': legacy });

    // The next start reads it from the secret store: same URLs again; Settings does not list it.
    const again = await start();
    cleanups.push(() => again.stop());
    expect(again.publicSurfaceUrl).toContain(`/exotel/${legacy}/`);
    const view = await again.invoke('settings.get', {});
    expect(view.ok && Object.keys((view.value as { secrets: object }).secrets).sort()).toEqual([
      'exotel.apiKey',
      'exotel.apiToken',
      'speech.apiKey',
      'tunnel.ngrokAuthtoken',
    ]);
    expect(
      await again.invoke('settings.setSecret', { name: 'public.secret', value: 'x'.repeat(30) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
  });

  it('removes crash leftovers of dead processes at start, and keeps those of live ones', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const tmp = os.tmpdir();
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max: no such process
    const livePid = process.ppid;
    const made: string[] = [];
    const mk = (p: string, file?: string) => {
      fs.mkdirSync(p, { recursive: true });
      if (file) fs.writeFileSync(path.join(p, file), 'x');
      made.push(p);
      return p;
    };
    const deadFlite = mk(path.join(tmp, `calldeck-flite-${deadPid}-Ab12Cd`));
    const liveFlite = mk(path.join(tmp, `calldeck-flite-${livePid}-Ef34Gh`), 'out.wav');
    const oldUntagged = mk(path.join(tmp, 'calldeck-flite-Zz9Yy8'));
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(oldUntagged, hourAgo, hourAgo);
    const newUntagged = mk(path.join(tmp, 'calldeck-flite-Xx7Ww6'));
    cleanups.push(() => made.forEach((p) => fs.rmSync(p, { recursive: true, force: true })));

    fs.mkdirSync(path.join(dir, 'tmp'));
    fs.mkdirSync(path.join(dir, 'uploads'));
    const uuid = '0b7c8a52-5a0e-4c1e-9a55-3b9d2a7e4f10';
    const files = {
      deadImport: path.join(dir, 'tmp', `import-${deadPid}-${uuid}.sqlite`),
      deadJournal: path.join(dir, 'tmp', `import-${deadPid}-${uuid}.sqlite-journal`),
      liveImport: path.join(dir, 'tmp', `import-${livePid}-${uuid}.sqlite`),
      deadUpload: path.join(dir, 'uploads', `upload-${deadPid}-${uuid}`),
      liveUpload: path.join(dir, 'uploads', `upload-${livePid}-${uuid}`),
      oldUpload: path.join(dir, 'uploads', uuid),
      notOurs: path.join(dir, 'uploads', 'notes.txt'),
    };
    for (const f of Object.values(files)) fs.writeFileSync(f, 'x');
    fs.utimesSync(files.oldUpload, hourAgo, hourAgo);

    const core = await openFolderCore(dir, {
      telephony: 'exotel',
    });
    cleanups.push(() => core.stop());
    const exists = (p: string) => fs.existsSync(p);
    expect({
      deadFlite: exists(deadFlite),
      liveFlite: exists(liveFlite),
      oldUntagged: exists(oldUntagged),
      newUntagged: exists(newUntagged),
      ...Object.fromEntries(Object.entries(files).map(([k, f]) => [k, exists(f)])),
    }).toEqual({
      deadFlite: false,
      liveFlite: true,
      oldUntagged: false,
      newUntagged: true,
      deadImport: false,
      deadJournal: false,
      liveImport: true,
      deadUpload: false,
      liveUpload: true,
      oldUpload: false,
      notOurs: true,
    });
  });
});
