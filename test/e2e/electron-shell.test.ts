import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEntry } from '../../src/main/core/reports';
import { listChannels, type AuditEntry } from '../../src/shared';
import type {
  ArtifactsResult,
  DevResult,
  FullResult,
  SeenError,
  Settled,
} from './helpers/fake-electron/reports';
import {
  BUILT,
  bundlePage,
  resultOf,
  runShell as runShellWith,
  type ShellRun,
} from './helpers/fake-electron/run-shell';
import { ROOT } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

// The Electron binary cannot run here, but Electron's main process is Node: the REAL built main and
// preload bundles run in a child Node whose `require('electron')` is a faithful fake
// (test/e2e/helpers/fake-electron). The renderer's own bridge/install.ts (bundled here first) builds
// window.calldeck in the page's world over the transport the preload exposed, and the driver uses it
// like the renderer would.

const SECRET = 'exo-token-5f2c9a71d4';
const DEV_URL = 'http://localhost:5173/';
const value = <T>(s: Settled<T>): T => {
  if (!s.ok) throw new Error(`expected a value, got ${JSON.stringify(s.error)}`);
  return s.value;
};

const errorOf = (s: Settled<unknown>): SeenError => {
  if (s.ok) throw new Error(`expected an error, got ${JSON.stringify(s.value)}`);
  return s.error;
};

describe('Electron shell: the built main + preload bundles, end to end without the binary', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  let run: ShellRun;
  let full: FullResult;
  let pageBundle: string;
  const runShell = (scenario: string, env: Record<string, string>) =>
    runShellWith(scenario, { ...env, FAKE_ELECTRON_PAGE_BUNDLE: pageBundle });

  beforeAll(async () => {
    tmp = makeTempDir('calldeck-shell-');
    pageBundle = await bundlePage(path.join(tmp.dir, 'page-bundle'));
    dataDir = path.join(tmp.dir, 'data');
    const csv = path.join(tmp.dir, 'contacts.csv');
    fs.writeFileSync(csv, 'name,phone\nAsha,+919876543210\nRavi,09876543211\n');
    run = await runShell('full', {
      CALLDECK_DATA: dataDir,
      FAKE_ELECTRON_SECRET: SECRET,
      FAKE_ELECTRON_CSV: csv,
    });
    full = resultOf<FullResult>(run);
  });
  afterAll(() => tmp?.cleanup());

  it('starts on the Node build of better-sqlite3 and exits on its own after quitting', () => {
    expect(run.reports.get('start')).toMatchObject({ electronVersion: '0.0.0-fake-electron' });
    expect(fs.existsSync(path.join(ROOT, '.electron-native', '0.0.0-fake-electron'))).toBe(false);
    expect(run.timedOut).toBe(false);
    expect(run.reports.get('leak')).toBeUndefined();
    expect([...run.reports.keys()]).toEqual(['start', 'result']);
    expect(run.code).toBe(0);
    // The database was closed cleanly: WAL checkpointed and removed (checked before this test opens it).
    expect(fs.existsSync(path.join(dataDir, 'calldeck.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'calldeck.sqlite-wal'))).toBe(false);
  });

  it('opens one locked-down window that loads the built renderer once it is ready', () => {
    const { options, loads, timeline } = full.window;
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(options.webPreferences.webSecurity).not.toBe(false);
    expect(options.webPreferences.allowRunningInsecureContent).not.toBe(true);
    expect(path.resolve(String(options.webPreferences.preload))).toBe(BUILT.preload);
    expect(fs.existsSync(String(options.webPreferences.preload))).toBe(true);
    expect(loads).toEqual([{ kind: 'file', target: BUILT.renderer }]);
    expect(fs.existsSync(loads[0]?.target ?? '')).toBe(true);
    expect(options.show).toBe(false);
    expect(timeline).toEqual(['ready-to-show', 'show']);
  });

  it('blocks navigation, new windows, webviews and permissions', () => {
    const s = full.security;
    expect(s.navigation).toEqual({
      ownUrl: pathToFileURL(BUILT.renderer).href,
      foreign: false,
      foreignRedirect: false,
      otherFile: false,
      lookalikeFile: false,
      ownRoute: true,
    });
    expect(s.windowOpen).toEqual({
      https: { action: 'deny' },
      http: { action: 'deny' },
      file: { action: 'deny' },
    });
    expect(s.openedExternally).toEqual(['https://support.exotel.com/']);
    expect([s.webviewPrevented, s.strayWebviewPrevented]).toEqual([true, true]);
    expect([s.permissionGranted, s.permissionCheck]).toEqual([false, false]);
    expect(full.menu.labels).toContain('File');
    expect(full.menu.openedPaths).toEqual([dataDir]);
  });

  it('exposes only the IPC transport, frozen; the page builds exactly the contract over it', () => {
    const apiMethods = [...listChannels().map((c) => c.channel as string), 'files.stage'].sort();
    expect(full.exposed).toEqual({
      exposedKeys: ['calldeckIpc'],
      transportKeys: ['invoke', 'stage', 'subscribe'],
      transportFunctions: true,
      frozen: true,
      installed: { ok: true },
      // The page's window.calldeck cannot be replaced by a later script.
      apiWritable: false,
    });
    expect(full.methods).toEqual(apiMethods);
    expect(full.onIsFunction).toBe(true);
    expect(full.window.handlerChannels).toEqual(apiMethods.map((m) => `calldeck:${m}`));
  });

  it('the exposed invoke reaches contract methods only, and answers with an outcome', () => {
    expect(value(full.rawInvoke.stagePath)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(value(full.rawInvoke.otherChannel)).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
  });

  it('round-trips settings through both bundles and pushes core events to the page', () => {
    expect(value(full.info)).toMatchObject({ host: 'electron', dataDir });
    expect(value(full.before).settings.calling.timeZone).toBe('Asia/Kolkata');
    expect(value(full.update).settings.calling).toMatchObject({
      timeZone: 'Asia/Dubai',
      windowStart: '10:30',
    });
    expect(value(full.after).settings.calling).toMatchObject({
      timeZone: 'Asia/Dubai',
      windowStart: '10:30',
    });
    expect(full.eventsArrived).toBe(true);
    // Two changes, then the refused ones: three bad tunnel updates (page, bridge, wire) and a secret
    // refused without a keychain, each audited once with its failed outcome.
    expect(full.seen.audit.map((e) => e.action)).toEqual([
      'settings.update',
      'settings.setSecret',
      'settings.update',
      'settings.update',
      'settings.update',
      'settings.setSecret',
    ]);
    expect(full.seen.settingsChanged).toBeGreaterThanOrEqual(2);
    // One IPC listener however many page subscriptions; an unsubscribed listener hears nothing.
    expect(full.eventListeners).toBe(1);
    expect(full.seen.detached).toBe(0);
  });

  it('keeps secrets as set / not set, encrypted by safeStorage, and refuses them without a keychain', () => {
    expect(value(full.setSecret).secrets['exotel.apiToken']).toBe(true);
    expect(full.setSecretLeaks).toBe(false);
    const file = path.join(dataDir, 'secrets.keychain.json');
    const text = fs.readFileSync(file, 'utf8');
    // The user's secret, and the two the app keeps for itself there (audit key, public URL secret).
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual([
      'audit.key',
      'exotel.apiToken',
      'public.secret',
    ]);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    for (const f of ['calldeck.sqlite', path.join('logs', 'calldeck.log')]) {
      expect(fs.readFileSync(path.join(dataDir, f)).includes(SECRET)).toBe(false);
    }
    expect(errorOf(full.noKeychain).message).toMatch(/keychain is not available/);
    expect(full.noKeychainFileUnchanged).toBe(true);
    expect(value(full.final).secrets).toMatchObject({ 'exotel.apiToken': true, 'speech.apiKey': false });
  });

  it('answers a bad field with the validation error naming it, on the wire and across the bridge', () => {
    const issue = { path: 'values.publicUrl', message: 'Public URL must start with https://' };
    const wire = full.badField.wire;
    expect(wire.ok).toBe(false);
    if (!wire.ok) {
      expect(wire.error).toMatchObject({ code: 'invalid_request', issues: [issue] });
      expect(wire.error.message).toContain(issue.message);
    }
    // A plain outcome crosses contextBridge whole.
    expect(full.badField.bridged).toEqual(wire);
  });

  // contextBridge rebuilds a rejected Error as a plain Error carrying only `message`
  // (electron/electron#25596): the page's Api is built in the page's world, so its ApiError is real.
  it('the page itself sees the error code and field issues', () => {
    const issue = { path: 'values.publicUrl', message: 'Public URL must start with https://' };
    const page = errorOf(full.badField.page);
    expect(page).toMatchObject({ isError: true, name: 'ApiError', code: 'invalid_request', issues: [issue] });
    expect(page.message).toContain(issue.message);
    // What SettingsView shows next to the field.
    expect(full.badField.fieldErrors).toEqual({ publicUrl: issue.message });
  });

  it('refuses IPC from every frame the shell did not create, and logs it', () => {
    expect(Object.keys(full.untrusted).sort()).toEqual(
      ['fileGet', 'lookalikeGet', 'remoteHostGet', 'webGet', 'webSetSecret', 'webStage'].sort(),
    );
    for (const [name, envelope] of Object.entries(full.untrusted)) {
      expect({ name, envelope }).toEqual({
        name,
        envelope: { ok: false, error: { code: 'unauthorized', message: 'Untrusted sender' } },
      });
    }
    const log = fs.readFileSync(path.join(dataDir, 'logs', 'calldeck.log'), 'utf8');
    expect(log.match(/refused IPC from an untrusted frame/g)).toHaveLength(6);
  });

  it('stages a dropped file by its path and previews it; a file with no path is refused', () => {
    expect(value(full.stage).name).toBe('contacts.csv');
    const preview = value(full.preview);
    expect(preview.headers).toEqual(['name', 'phone']);
    expect(preview.sample.map((r) => r.cells[0])).toEqual(['Asha', 'Ravi']);
    expect(full.stageNoPath).toMatchObject({
      ok: false,
      error: { message: 'Drop a file from this computer' },
    });
  });

  it('keeps the SQLite database under the data dir with an unbroken audit chain of the mutations', () => {
    const dbPath = path.join(dataDir, 'calldeck.sqlite');
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(
          'SELECT seq, at, actor, action, subject, payload, prev_hash AS prevHash, hash, scheme FROM audit_log ORDER BY seq',
        )
        .all() as AuditEntry[];
      expect(rows.map((r) => [r.action, r.subject])).toEqual([
        ['settings.update', 'settings.calling'],
        ['settings.setSecret', 'secret.exotel.apiToken'],
        ['settings.update', 'settings.tunnel'],
        ['settings.update', 'settings.tunnel'],
        ['settings.update', 'settings.tunnel'],
        ['settings.setSecret', 'secret.speech.apiKey'],
      ]);
      const outcomes = rows.map((r) => (JSON.parse(r.payload) as { outcome?: string }).outcome);
      expect(outcomes).toEqual(['ok', 'ok', 'failed', 'failed', 'failed', 'failed']);
      // Neither secret's value is in any row, refused or not.
      expect(rows.some((r) => r.payload.includes(SECRET))).toBe(false);
      let prev = GENESIS_HASH;
      for (const r of rows) {
        expect(r.prevHash).toBe(prev);
        // Keyed with the install's audit key (in the keychain file): not a plain SHA-256 chain.
        expect(r.scheme).toBe('hmac-sha256');
        expect(hashEntry(prev, r)).not.toBe(r.hash);
        prev = r.hash;
      }
      expect(JSON.parse(rows[1]?.payload ?? '{}')).toEqual({
        outcome: 'ok',
        request: { name: 'exotel.apiToken', value: '[redacted]' },
      });
      expect(full.seen.audit.map((e) => e.hash)).toEqual(rows.map((r) => r.hash));
    } finally {
      db.close();
    }
    expect(value(full.verify)).toMatchObject({ ok: true, rows: 6 });
  });

  it("stops the core on 'before-quit', then lets Electron quit", () => {
    const q = full.quit;
    expect(q.outcome).toBe('quit');
    expect(q.timeline).toEqual(['quit() #1', 'before-quit prevented', 'quit() #2', 'before-quit', 'quit']);
    // At the first quit the core still answers; by the second one it has stopped.
    expect(q.probes.map((p) => p.n)).toEqual([1, 2]);
    expect(q.probes[0]?.result).toMatchObject({ ok: true, value: { host: 'electron' } });
    expect(q.probes[1]?.result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect([q.windowDestroyed, q.contentsDestroyed]).toEqual([true, true]);
    expect(fs.readFileSync(path.join(dataDir, 'logs', 'calldeck.log'), 'utf8')).toContain('"core stopped"');
  });

  it('in dev mode loads ELECTRON_RENDERER_URL, trusts only its origin, and reopens the same data', async () => {
    const devRun = await runShell('dev', { CALLDECK_DATA: dataDir, ELECTRON_RENDERER_URL: DEV_URL });
    const dev = resultOf<DevResult>(devRun);
    expect(devRun.code).toBe(0);
    expect(dev.window.loads).toEqual([{ kind: 'url', target: DEV_URL }]);
    expect(dev.navigation).toEqual({ sameOrigin: true, otherPort: false });
    expect(dev.builtPageInDev).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const view = value(dev.settings);
    expect(view.settings.calling.timeZone).toBe('Asia/Dubai');
    expect(view.secrets['exotel.apiToken']).toBe(true);
    // Closing the last window quits through the same 'before-quit' path, core stopped first.
    expect(dev.quit.outcome).toBe('quit');
    expect(dev.quit.timeline).toEqual([
      'quit() #1',
      'before-quit prevented',
      'quit() #2',
      'before-quit',
      'quit',
    ]);
    expect(dev.quit.probes[1]?.result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('a damaged secrets file stops the start with a message naming it, and is left as it was', async () => {
    const damaged = path.join(tmp.dir, 'damaged');
    const file = path.join(damaged, 'secrets.keychain.json');
    fs.mkdirSync(damaged);
    fs.writeFileSync(file, '{"exotel.apiToken": 5}');
    const damagedRun = await runShell('full', { CALLDECK_DATA: damaged });
    expect(damagedRun.code).toBe(1);
    expect(damagedRun.reports.has('result')).toBe(false);
    const exit = damagedRun.reports.get('app-exit') as {
      code: number;
      calls: { name: string; args: string[] }[];
    };
    expect(exit.code).toBe(1);
    const box = exit.calls.find((c) => c.name === 'dialog.showErrorBox');
    expect(box?.args[0]).toBe('CallDeck cannot start');
    expect(box?.args[1]).toContain(`The secrets file ${file} is damaged`);
    expect(box?.args[1]).toContain('exotel.apiToken');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"exotel.apiToken": 5}');
  });

  it('serves produced files over artifact: (by id, seekable, only inside the data folder)', async () => {
    const dir = path.join(tmp.dir, 'artifacts');
    const csv = path.join(tmp.dir, 'with-rejects.csv');
    fs.writeFileSync(csv, 'name,phone\nAsha,+919876543210\nShort,12345\n');
    const artifactsRun = await runShell('artifacts', { CALLDECK_DATA: dir, FAKE_ELECTRON_CSV: csv });
    expect(artifactsRun.code).toBe(0);
    const r = resultOf<ArtifactsResult>(artifactsRun);
    // The scheme is privileged before ready (Chromium needs that for media seeking), handled after.
    expect(r.privilegedSchemes).toEqual([
      {
        scheme: 'artifact',
        privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true },
      },
    ]);
    expect(r.order).toEqual(['protocol.registerSchemesAsPrivileged', 'protocol.handle']);
    const reject = value(r.reject);
    expect(reject).toMatchObject({
      rows: 1,
      artifact: { kind: 'reject_file', name: 'Shell_rejects-rejects.csv' },
    });
    const [file] = fs.readdirSync(path.join(dir, 'exports', 'rejects'));
    const bytes = fs.readFileSync(path.join(dir, 'exports', 'rejects', file ?? ''));
    expect(bytes.toString('utf8')).toContain('Short,12345');
    expect(r.download).toMatchObject({
      status: 200,
      body: bytes.toString('base64'),
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': String(bytes.length),
        'cache-control': 'no-store',
        // The page (file: origin) fetches audio to draw waveforms: a cross-origin read it must be allowed.
        'access-control-allow-origin': '*',
      },
    });
    expect(r.download.headers?.['content-disposition']).toMatch(
      /^attachment; filename="Shell_rejects-rejects\.csv"/,
    );
    expect(r.inline).toMatchObject({ status: 200, body: bytes.toString('base64') });
    expect(r.range).toMatchObject({
      status: 206,
      body: bytes.subarray(0, 5).toString('base64'),
      headers: { 'content-range': `bytes 0-4/${bytes.length}` },
    });
    expect(r.unknown).toMatchObject({ status: 404 });
    expect(r.pathId).toMatchObject({ status: 400 });
    expect(r.otherHost).toMatchObject({ status: 404 });
    expect(r.foreignReferrer).toMatchObject({ status: 403 });
    expect(r.post).toMatchObject({ status: 405 });
    expect(r.quit.outcome).toBe('quit');
  });

  it('a second instance quits at once and touches no data', async () => {
    const other = path.join(tmp.dir, 'second');
    const lockedRun = await runShell('full', { CALLDECK_DATA: other, FAKE_ELECTRON_LOCK_HELD: '1' });
    expect(resultOf(lockedRun)).toMatchObject({ earlyQuit: true, windows: 0 });
    expect(lockedRun.code).toBe(0);
    expect(fs.existsSync(path.join(other, 'calldeck.sqlite'))).toBe(false);
  });
});
