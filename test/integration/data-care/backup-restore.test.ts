import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DATA_TOOL, RestoreError, verifyAuditChain } from '../../../src/main/core';
import { FileSecretStore } from '../../../src/main/server';
import { runBackupCommand, runRestoreCommand } from '../../../src/main/server/commands/data-care';
import { main } from '../../../src/main/server/program';
import type { JobInfo } from '../../../src/shared/jobs';
import type { VoicebotRecordingAudio } from '../../../src/shared/voicebot';
import { ok, until } from '../../helpers/api-wait';
import { runCliInProcess } from '../../helpers/cli-in-process';
import { makeTestCore } from '../../helpers/core';
import { backupTo, dataOffset, jobEnd, openDataFolder } from './backup-rig';
import { importCsvList, startCoreCampaign } from '../campaigns/core-campaign';
import type { CampaignDetail } from '../../../src/shared/campaigns';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// Everyone answers and stays 2 s (scaled), so the bot talks and every call leaves a recording.
const SCRIPT = { default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 2 } };

const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    : [];

const TOKEN = 'exo-token-7d1e4f0a93';
const PASSPHRASE = 'correct horse battery staple';

async function entryNames(archive: string): Promise<string[]> {
  const zip = await yauzl.openPromise(archive, { lazyEntries: true });
  const names: string[] = [];
  try {
    for await (const e of zip.eachEntry()) names.push(e.fileName);
  } finally {
    zip.close();
  }
  return names;
}

async function entryText(archive: string, name: string): Promise<string> {
  const zip = await yauzl.openPromise(archive, { lazyEntries: true });
  try {
    for await (const e of zip.eachEntry()) {
      if (e.fileName !== name) continue;
      const chunks: Buffer[] = [];
      for await (const c of await zip.openReadStreamPromise(e)) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
  } finally {
    zip.close();
  }
  throw new Error(`no ${name} in ${archive}`);
}

describe('backup and restore', () => {
  it('backs up during a running campaign and restores a folder that passes integrity_check and audit verify, recordings byte-identical; a damaged copy is refused and leaves the target empty', async () => {
    const { root, dataDir, core, stop, cleanup } = await openDataFolder({
      core: { telephony: 'sandbox', sandboxScript: SCRIPT, sandboxTimeScale: 0.05 },
    });
    cleanups.push(cleanup);
    const campaign = await startCoreCampaign(core, { contacts: 40, maxConcurrent: 2, callsPerMinute: 60 });
    // Some calls are done (recordings written), many are still to come.
    await until(() => {
      const c = campaign.latest();
      return c && c.counters.attempts >= 6 && filesUnder(path.join(dataDir, 'recordings')).length > 0
        ? c
        : undefined;
    }, 60_000);
    expect(campaign.latest()?.state).toBe('running');
    const archive = path.join(root, 'backup.zip');
    const { result } = await backupTo(core, archive);
    // Taken while the campaign was dialling: it was still running when the backup ended.
    expect(campaign.latest()?.state).toBe('running');
    expect(result.files).toBeGreaterThan(3);
    expect(result.secretsSealed).toBe(false);
    await until(() => (campaign.latest()?.state === 'completed' ? true : undefined), 120_000);
    await stop();

    // Restored through the CLI's restore: checked (hashes, integrity_check, audit chain) before it is moved in.
    const target = path.join(root, 'restored');
    const restored = await runRestoreCommand(archive, { data: target });
    expect(restored.audit.ok).toBe(true);
    const key = new FileSecretStore(path.join(target, 'secrets.json')).get('audit.key');
    expect(key).toBeDefined();
    const verified = verifyAuditChain(target, key);
    expect(verified).toMatchObject({ ok: true, keyChecked: true });
    // The backup's start row is in the restored log too.
    const db = new Database(path.join(target, 'calldeck.sqlite'), { readonly: true });
    cleanups.push(() => {
      db.close();
    });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const actions = db.prepare('SELECT action, payload FROM audit_log ORDER BY seq').all() as {
      action: string;
      payload: string;
    }[];
    // The restore is recorded, then the campaign the snapshot caught running is paused: started
    // on this copy, CallDeck would otherwise dial again people the original already called.
    expect(actions.slice(-2).map((a) => a.action)).toEqual(['data.restore', 'campaigns.pause']);
    expect(restored.pausedCampaigns).toEqual([{ id: campaign.id, name: expect.any(String) as string }]);
    expect(db.prepare('SELECT id, state FROM campaigns').all()).toEqual([
      { id: campaign.id, state: 'paused' },
    ]);
    // The backup's own start row is in its snapshot; the restored copy closes it saying why it has no end there.
    const backupEnd = actions.filter((a) => a.action === 'data.backup').at(-1);
    expect(backupEnd?.payload).toMatch(/"outcome":"failed".*restored from it/);
    expect(
      actions.some(
        (a) =>
          a.action === 'data.backup' && (JSON.parse(a.payload) as { outcome: string }).outcome === 'started',
      ),
    ).toBe(true);
    // Recordings byte-identical: every recording the backup carried is restored as the manifest
    // lists it, and equals the original file when its session had ended in the snapshot (a call
    // still talking then went on recording after the backup).
    const carried = restored.manifest.files.filter((f) => f.path.startsWith('recordings/'));
    expect(carried.length).toBeGreaterThan(0);
    const ended = new Set(
      db.prepare('SELECT id FROM voicebot_sessions WHERE ended_at IS NOT NULL').pluck().all() as string[],
    );
    for (const f of carried) {
      const copy = fs.readFileSync(path.join(target, f.path));
      expect(crypto.createHash('sha256').update(copy).digest('hex')).toBe(f.sha256);
      if (ended.has(f.path.split('/')[1]!))
        expect(copy.equals(fs.readFileSync(path.join(dataDir, f.path)))).toBe(true);
    }
    expect(carried.some((f) => ended.has(f.path.split('/')[1]!))).toBe(true);
    // A restored folder plays its recordings from itself (the database keeps them by absolute path).
    const mix = carried.find((f) => f.path.endsWith('/mix.wav'))!;
    const sessionId = mix.path.split('/')[1]!;
    const reopened = await makeTestCore({
      dataDir: target,
      secrets: new FileSecretStore(path.join(target, 'secrets.json')),
      profile: DATA_TOOL,
    });
    cleanups.push(reopened.cleanup);
    const audio = ok<VoicebotRecordingAudio>(
      await reopened.core.invoke('voicebot.recording', { sessionId, channel: 'mix' }),
    );
    const served = await reopened.core.serveArtifact({ id: audio.artifact.id });
    const chunks: Buffer[] = [];
    for await (const c of served.body!) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(fs.readFileSync(path.join(dataDir, mix.path)))).toBe(true);
    expect(restored.relocated).toBeGreaterThan(0);
    // The snapshot held calls while they were being made: some attempts, not necessarily all.
    const attempts = Number(db.prepare('SELECT COUNT(*) FROM call_attempts').pluck().get());
    expect(attempts).toBeGreaterThanOrEqual(6);

    // One byte changed inside the archive: refused, and the target stays empty (no half-written folder).
    const bytes = fs.readFileSync(archive);
    const damaged = path.join(root, 'damaged.zip');
    const at = await dataOffset(archive, (name) => name.startsWith('data/recordings/'));
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(damaged, bytes);
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    await expect(runRestoreCommand(damaged, { data: empty })).rejects.toThrow(RestoreError);
    expect(fs.readdirSync(empty)).toEqual([]);
    expect(fs.readdirSync(root).filter((n) => n.includes('.restore-'))).toEqual([]);

    // A folder with anything in it is refused, named.
    await expect(runRestoreCommand(archive, { data: dataDir })).rejects.toThrow(/not empty/);
  }, 240_000);

  it('restore names a campaign the backup holds scheduled: started on the copy, CallDeck would dial it at its time', async () => {
    const { root, core, stop, cleanup } = await openDataFolder({ core: { profile: DATA_TOOL } });
    cleanups.push(cleanup);
    const listId = await importCsvList(core, ['Name,Mobile', 'Asha,9800000010'], { listName: 'Nov' });
    const startAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = ok<CampaignDetail>(
      await core.invoke('campaigns.create', {
        name: 'Tomorrow',
        listId,
        bot: 'appointment-reminder',
        schedule: { startAt },
      }),
    );
    ok(await core.invoke('campaigns.schedule', { campaignId: created.id }));
    const archive = path.join(root, 'scheduled.zip');
    await backupTo(core, archive);
    await stop();
    const restored = await runRestoreCommand(archive, { data: path.join(root, 'copy') });
    expect(restored.pausedCampaigns).toEqual([]);
    expect(restored.scheduledCampaigns).toEqual([{ id: created.id, name: 'Tomorrow', startAt }]);
  });

  it('calldeck backup copies the archive out; a re-made archive missing a file is refused', async () => {
    const { root, dataDir, core, stop, cleanup } = await openDataFolder({ core: { profile: DATA_TOOL } });
    cleanups.push(cleanup);
    ok(await core.invoke('dnc.add', { phones: ['+919800000001'] }));
    await stop();
    const out = path.join(root, 'cli.zip');
    const r = await runBackupCommand({ out, data: dataDir });
    expect(fs.statSync(out).size).toBe(r.bytes);
    await expect(runBackupCommand({ out, data: dataDir })).rejects.toThrow(/exists/);
    // Copied out, the archive is not kept twice: the data folder's copy is removed.
    expect(fs.readdirSync(path.join(dataDir, 'backups'))).toEqual([]);
    const restored = await runRestoreCommand(out, { data: path.join(root, 'ok') });
    expect(restored.audit.ok).toBe(true);
    // calldeck backup --passphrase-file (the passphrase's final line break is not part of it), then
    // calldeck restore --passphrase-file: the command lines as typed.
    const passFile = path.join(root, 'pass.txt');
    fs.writeFileSync(passFile, `${PASSPHRASE}\n`);
    const sealed = path.join(root, 'sealed.zip');
    await main([
      'node',
      'calldeck',
      'backup',
      '--out',
      sealed,
      '--data',
      dataDir,
      '--passphrase-file',
      passFile,
    ]);
    expect(await entryNames(sealed)).toContain('data/secrets.sealed.json');
    expect(await entryNames(sealed)).not.toContain('data/secrets.json');
    const sealedOk = path.join(root, 'sealed-ok');
    const cli = await runCliInProcess(['restore', sealed, '--data', sealedOk, '--passphrase-file', passFile]);
    expect(cli.code).toBe(0);
    // It says how to open the copy, as the page's restore does.
    expect(cli.stdout).toContain(
      `Open it: calldeck serve --data ${sealedOk}, or the desktop app with CALLDECK_DATA=${sealedOk} set.\n`,
    );
    expect(new FileSecretStore(path.join(root, 'sealed-ok', 'secrets.json')).get('audit.key')).toBe(
      new FileSecretStore(path.join(dataDir, 'secrets.json')).get('audit.key'),
    );
    // The archive re-made without the audit head file (manifest kept): refused, naming the file.
    const zip = await yauzl.openPromise(out, { lazyEntries: true });
    const remade = new yazl.ZipFile();
    for await (const e of zip.eachEntry()) {
      if (e.fileName.endsWith('/')) continue;
      const chunks: Buffer[] = [];
      for await (const c of await zip.openReadStreamPromise(e)) chunks.push(c as Buffer);
      if (e.fileName !== 'data/calldeck.audit-head.json') remade.addBuffer(Buffer.concat(chunks), e.fileName);
    }
    zip.close();
    remade.end();
    const missing = path.join(root, 'missing.zip');
    await pipeline(remade.outputStream as Readable, fs.createWriteStream(missing));
    await expect(runRestoreCommand(missing, { data: path.join(root, 'nope') })).rejects.toThrow(
      /calldeck.audit-head.json is listed in the manifest but missing/,
    );
    expect(fs.existsSync(path.join(root, 'nope'))).toBe(false);
  }, 60_000);

  it('a backup whose secrets are in the desktop keychain file is refused by the CLI, saying where to restore it', async () => {
    // The desktop app's secret file name (its content is encrypted by the OS keychain; the CLI cannot read it).
    const { root, dataDir, core, cleanup } = await openDataFolder({
      secretsFile: 'secrets.keychain.json',
      core: { profile: DATA_TOOL },
    });
    cleanups.push(cleanup);
    const archive = path.join(root, 'desktop.zip');
    const { result } = await backupTo(core, archive);
    const target = path.join(root, 'elsewhere');
    const refused = runRestoreCommand(archive, { data: target });
    await expect(refused).rejects.toMatchObject({ code: 'no_key' });
    await expect(refused).rejects.toThrow(
      /secrets\.keychain\.json cannot be read here .*OS keychain .*restore it there, or make a new backup with a passphrase/,
    );
    expect(fs.existsSync(target)).toBe(false);
    // The kept archive is removed on request (only a backup: any other id is not one).
    const artifactId = result.artifact.id;
    const other = await core.invoke('data.removeBackup', { artifactId: crypto.randomUUID() });
    expect(other).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(ok(await core.invoke('data.removeBackup', { artifactId }))).toEqual({ removed: true });
    expect(fs.readdirSync(path.join(dataDir, 'backups'))).toEqual([]);
  });

  it('a desktop backup made with a passphrase carries its secrets sealed, not in clear, and the CLI restores it anywhere with that passphrase', async () => {
    const { root, core, cleanup } = await openDataFolder({
      secretsFile: 'secrets.keychain.json',
      core: { profile: DATA_TOOL },
    });
    cleanups.push(cleanup);
    ok(await core.invoke('settings.setSecret', { name: 'exotel.apiToken', value: TOKEN }));
    ok(await core.invoke('dnc.add', { phones: ['+919800000002'] }));
    const archive = path.join(root, 'sealed.zip');
    const { result } = await backupTo(core, archive, { passphrase: PASSPHRASE });
    expect(result.secretsSealed).toBe(true);
    // Neither the host's secret file nor any secret in clear is in the archive (compressed or not).
    const names = await entryNames(archive);
    expect(names).toContain('data/secrets.sealed.json');
    expect(names).not.toContain('data/secrets.keychain.json');
    const sealedText = await entryText(archive, 'data/secrets.sealed.json');
    expect(sealedText).not.toContain(TOKEN);
    expect(sealedText).toMatch(/"kdf"/);
    // The request's passphrase is redacted in the audit row, and never in the job's stored input.
    const audit = ok<{ entries: { action: string; payload: string }[] }>(
      await core.invoke('audit.list', { limit: 50 }),
    );
    const rows = audit.entries.filter((e) => e.action === 'data.backup');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(PASSPHRASE);
    expect(JSON.stringify(rows)).toContain('[redacted]');
    const jobs = JSON.stringify(ok(await core.invoke('jobs.list', {})));
    expect(jobs).not.toContain(PASSPHRASE);

    // Without the passphrase, or with another: refused, naming why, nothing left behind.
    const target = path.join(root, 'elsewhere');
    await expect(runRestoreCommand(archive, { data: target })).rejects.toMatchObject({
      code: 'passphrase',
      message: expect.stringMatching(/sealed under the passphrase/) as string,
    });
    await expect(
      runRestoreCommand(archive, { data: target, passphrase: 'not the passphrase' }),
    ).rejects.toThrow(/wrong passphrase/);
    expect(fs.existsSync(target)).toBe(false);

    // With it: verified with the audit key it carried; the secrets become this host's secrets.json.
    const restored = await runRestoreCommand(archive, { data: target, passphrase: PASSPHRASE });
    expect(restored.audit).toMatchObject({ ok: true, keyChecked: true });
    expect(fs.existsSync(path.join(target, 'secrets.sealed.json'))).toBe(false);
    const store = new FileSecretStore(path.join(target, 'secrets.json'));
    expect(store.get('exotel.apiToken')).toBe(TOKEN);
    expect(verifyAuditChain(target, store.get('audit.key'))).toMatchObject({ ok: true, keyChecked: true });
    if (process.platform !== 'win32')
      expect(fs.statSync(path.join(target, 'secrets.json')).mode & 0o777).toBe(0o600);
    // A passphrase shorter than the minimum is refused at the Api's edge.
    expect(await core.invoke('data.backup', { passphrase: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
  }, 60_000);

  it('a backup cancelled from the jobs tray keeps no archive and ends its audited action cancelled', async () => {
    const {
      dataDir: dir,
      core,
      cleanup,
    } = await openDataFolder({
      core: { profile: DATA_TOOL },
      // Enough bytes that the archive is still being written when the cancel arrives.
      prepare: (d) => {
        fs.mkdirSync(path.join(d, 'recordings', 's1'), { recursive: true });
        fs.writeFileSync(path.join(d, 'recordings', 's1', 'mix.wav'), crypto.randomBytes(64 * 1024 * 1024));
      },
    });
    cleanups.push(cleanup);
    let cancelled = false;
    core.subscribe((event, payload) => {
      const j = payload as JobInfo;
      if (event !== 'job.updated' || j.kind !== 'data.backup' || cancelled || j.progress.done === 0) return;
      cancelled = true;
      void core.invoke('jobs.cancel', { jobId: j.id });
    });
    const { jobId } = ok<{ jobId: string }>(await core.invoke('data.backup', {}));
    const job = await jobEnd(core, jobId);
    expect(job.state).toBe('cancelled');
    expect(fs.readdirSync(path.join(dir, 'backups'))).toEqual([]);
    const audit = ok<{ entries: { action: string; payload: string }[] }>(
      await core.invoke('audit.list', { limit: 20 }),
    );
    const ends = audit.entries
      .filter((e) => e.action === 'data.backup')
      .map((e) => (JSON.parse(e.payload) as { outcome: string }).outcome);
    expect(ends).toEqual(['cancelled', 'started']);
  }, 60_000);
});
