import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../src/main/server';
import { runCli } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';
import type { BackupResult, DevResult } from './helpers/fake-electron/reports';
import { bundlePage, resultOf, runShell, type ShellRun } from './helpers/fake-electron/run-shell';

// A backup made by the desktop app (its secrets in the OS keychain, which no other host can open),
// with a passphrase: the REAL built main bundle backs up as Settings › Data asks it to, the real
// `calldeck restore` restores it on "another host" with the passphrase, and the desktop app started
// on the restored folder takes the secrets into its keychain.

const TOKEN = 'exo-token-b4c81e2d07';
const PASSPHRASE = 'a long passphrase typed twice';
const DEV_URL = 'http://localhost:5173/';

describe('desktop backup with a passphrase, restored by the CLI', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let pageBundle: string;
  let run: ShellRun;
  let result: BackupResult;
  let archive: string;

  beforeAll(async () => {
    tmp = makeTempDir('calldeck-shell-backup-');
    pageBundle = await bundlePage(path.join(tmp.dir, 'page-bundle'));
    archive = path.join(tmp.dir, 'desktop-backup.zip');
    run = await runShell(
      'backup',
      {
        CALLDECK_DATA: path.join(tmp.dir, 'data'),
        FAKE_ELECTRON_PAGE_BUNDLE: pageBundle,
        FAKE_ELECTRON_SECRET: TOKEN,
        FAKE_ELECTRON_PASSPHRASE: PASSPHRASE,
        FAKE_ELECTRON_OUT: archive,
        FAKE_ELECTRON_RESTORE_TARGET: path.join(tmp.dir, 'restored-on-desktop'),
      },
      60_000,
    );
    result = resultOf<BackupResult>(run);
  }, 120_000);
  afterAll(() => tmp?.cleanup());

  it('backs up in the desktop app with the secrets sealed, and downloads the archive', () => {
    expect(run.code).toBe(0);
    expect(result.secret.ok).toBe(true);
    expect(result.finished).toBe(true);
    expect(result.job).toMatchObject({ state: 'succeeded', result: { secretsSealed: true } });
    expect(result.download).toMatchObject({ status: 200, type: 'application/zip' });
    expect(fs.readFileSync(archive).subarray(0, 2).toString()).toBe('PK');
  });

  it('Settings › Data › Restore in the desktop app refuses a wrong passphrase, then restores it with the right one, its secrets into the keychain', () => {
    const target = path.join(tmp.dir, 'restored-on-desktop');
    expect(result.restoreWrong).toMatchObject({
      state: 'failed',
      error: { code: 'passphrase', message: expect.stringMatching(/wrong passphrase/) as string },
    });
    expect(result.restore).toMatchObject({
      state: 'succeeded',
      result: { target, pausedCampaigns: [], open: { desktop: `CALLDECK_DATA=${target}` } },
    });
    expect(result.restore?.result?.auditRows).toBeGreaterThan(0);
    // The unsealed secrets are in this computer's keychain file, never in clear on disk.
    expect(fs.existsSync(path.join(target, 'secrets.json'))).toBe(false);
    expect(fs.existsSync(path.join(target, 'secrets.sealed.json'))).toBe(false);
    const keychain = fs.readFileSync(path.join(target, 'secrets.keychain.json'), 'utf8');
    expect(Object.keys(JSON.parse(keychain) as object)).toEqual(
      expect.arrayContaining(['exotel.apiToken', 'audit.key']),
    );
    expect(keychain).not.toContain(TOKEN);
    // A backup of this desktop app without a passphrase restores on this computer: its keychain reads it.
    expect(result.restorePlain).toMatchObject({ state: 'succeeded', result: { target: `${target}-plain` } });
    expect(fs.existsSync(path.join(`${target}-plain`, 'secrets.keychain.json'))).toBe(true);
  });

  it('calldeck restore refuses it without the passphrase and restores it with it, audit verified with the key it carried', async () => {
    const refused = await runCli(['restore', archive, '--data', path.join(tmp.dir, 'no-pass'), '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, code: 'passphrase' });
    expect(fs.existsSync(path.join(tmp.dir, 'no-pass'))).toBe(false);

    const passFile = path.join(tmp.dir, 'passphrase.txt');
    fs.writeFileSync(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    const restoredDir = path.join(tmp.dir, 'restored');
    const restored = await runCli([
      'restore',
      archive,
      '--data',
      restoredDir,
      '--passphrase-file',
      passFile,
      '--json',
    ]);
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ ok: true, audit: { ok: true, keyChecked: true } });
    // The keychain file of the other computer is not there; this host's secret file is.
    expect(fs.existsSync(path.join(restoredDir, 'secrets.keychain.json'))).toBe(false);
    expect(new FileSecretStore(path.join(restoredDir, 'secrets.json')).get('exotel.apiToken')).toBe(TOKEN);
    const verify = await runCli(['audit', 'verify', '--data', restoredDir, '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, keyChecked: true });
  });

  it('the desktop app started on the restored folder moves its secrets into the keychain', async () => {
    const restoredDir = path.join(tmp.dir, 'restored');
    const devRun = await runShell('dev', {
      CALLDECK_DATA: restoredDir,
      ELECTRON_RENDERER_URL: DEV_URL,
      FAKE_ELECTRON_PAGE_BUNDLE: pageBundle,
    });
    expect(devRun.code).toBe(0);
    const dev = resultOf<DevResult>(devRun);
    expect(dev.settings).toMatchObject({ ok: true, value: { secrets: { 'exotel.apiToken': true } } });
    expect(fs.existsSync(path.join(restoredDir, 'secrets.json'))).toBe(false);
    const keychain = fs.readFileSync(path.join(restoredDir, 'secrets.keychain.json'), 'utf8');
    expect(Object.keys(JSON.parse(keychain) as object)).toContain('exotel.apiToken');
    expect(keychain).not.toContain(TOKEN);
  });
});
