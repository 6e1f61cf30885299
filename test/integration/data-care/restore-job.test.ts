import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { restoreBackup, RestoreError, verifyAuditChain, type Core } from '../../../src/main/core';
import { FileSecretStore } from '../../../src/main/server';
import { fileRestoreSecrets } from '../../../src/main/server/file-restore-secrets';
import type { RestoreRequest, RestoreResultInfo } from '../../../src/shared/data-care';
import type { JobInfo } from '../../../src/shared/jobs';
import type { ArtifactRef } from '../../../src/shared/artifacts';
import { ok, until } from '../../helpers/api-wait';
import { startCoreCampaign } from '../campaigns/core-campaign';
import { backupTo, dataOffset, jobEnd, openDataFolder } from './backup-rig';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PASSPHRASE = 'correct horse battery staple';

/** A data folder whose core restores as `calldeck serve` does (the headless host's secret file). */
async function restoringFolder(core: Parameters<typeof openDataFolder>[0] = {}) {
  const folder = await openDataFolder({
    ...core,
    core: { restoreSecrets: fileRestoreSecrets, ...core.core },
  });
  cleanups.push(folder.cleanup);
  return folder;
}

async function restoreJob(core: Core, request: RestoreRequest): Promise<JobInfo> {
  const { jobId } = ok<{ jobId: string }>(await core.invoke('data.restore', request));
  return jobEnd(core, jobId);
}

type AuditRow = { seq: number; actor: string; action: string; payload: string };
const auditRows = (dataDir: string, action: string): AuditRow[] => {
  const db = new Database(path.join(dataDir, 'calldeck.sqlite'), { readonly: true });
  try {
    return db
      .prepare('SELECT seq, actor, action, payload FROM audit_log WHERE action = ? ORDER BY seq')
      .all(action) as AuditRow[];
  } finally {
    db.close();
  }
};

describe('restore from the page (data.restore, a job)', () => {
  it('restores one of this install’s backups taken during a running campaign into a new folder: verified, audited here and there, the campaign paused on the copy', async () => {
    const { root, dataDir, core } = await restoringFolder({
      core: {
        telephony: 'sandbox',
        // Calls that last: the campaign is still running when the backup is taken.
        sandboxScript: { default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 600 } },
        sandboxTimeScale: 1,
      },
    });
    const campaign = await startCoreCampaign(core, { contacts: 3, maxConcurrent: 1 });
    await until(() => (campaign.latest()?.state === 'running' ? true : undefined), 30_000);
    await backupTo(core, path.join(root, 'copied-out.zip'));
    const backups = ok<ArtifactRef[]>(await core.invoke('data.backups', {}));
    expect(backups).toHaveLength(1);

    const target = path.join(root, 'restored', 'copy');
    const job = await restoreJob(core, {
      archive: { kind: 'backup', artifactId: backups[0]!.id },
      target,
    });
    expect(job).toMatchObject({ state: 'succeeded', kind: 'data.restore', actor: 'tester' });
    expect(job.progress.done).toBe(job.progress.total);
    const result = job.result as RestoreResultInfo;
    expect(result).toMatchObject({
      archive: backups[0]!.name,
      target,
      open: { serve: `calldeck serve --data ${target}`, desktop: `CALLDECK_DATA=${target}` },
      pausedCampaigns: [{ id: campaign.id }],
      scheduledCampaigns: [],
    });
    expect(result.auditRows).toBeGreaterThan(0);
    // The copy passes integrity_check and audit verify with the key restored beside it.
    const db = new Database(path.join(target, 'calldeck.sqlite'), { readonly: true });
    cleanups.push(() => void db.close());
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT state FROM campaigns WHERE id = ?').pluck().get(campaign.id)).toBe('paused');
    const key = new FileSecretStore(path.join(target, 'secrets.json')).get('audit.key');
    expect(verifyAuditChain(target, key)).toMatchObject({ ok: true, keyChecked: true });
    const copyActions = db.prepare('SELECT action, actor FROM audit_log ORDER BY seq').all();
    expect(copyActions.slice(-2)).toEqual([
      { action: 'data.restore', actor: 'tester' },
      { action: 'campaigns.pause', actor: 'tester' },
    ]);
    // This install's log: who restored which archive where, its start and its end.
    const here = auditRows(dataDir, 'data.restore');
    expect(here.map((r) => [r.actor, (JSON.parse(r.payload) as { outcome: string }).outcome])).toEqual([
      ['tester', 'started'],
      ['tester', 'ok'],
    ]);
    expect(here[0]!.payload).toContain(backups[0]!.name);
    expect(here[1]!.payload).toContain(JSON.stringify(target).slice(1, -1));
    // The original still runs its campaign: only the copy was paused.
    expect(campaign.latest()?.state).toBe('running');
    ok(await core.invoke('campaigns.pause', { campaignId: campaign.id }));
  }, 120_000);

  it('restores an uploaded sealed backup with its passphrase; refuses a wrong passphrase, a tampered archive, a non-empty folder, a folder inside this data folder and a relative path, leaving nothing behind', async () => {
    const { root, dataDir, core } = await restoringFolder();
    const archive = path.join(root, 'sealed.zip');
    await backupTo(core, archive, { passphrase: PASSPHRASE });
    const upload = async (file: string) =>
      ok<{ id: string }>(await core.stageUpload(fs.createReadStream(file), path.basename(file), 1e9));

    // Refused at once, on the form's field: a folder with something in it, one inside this data folder.
    const full = path.join(root, 'full');
    fs.mkdirSync(full);
    fs.writeFileSync(path.join(full, 'notes.txt'), 'mine');
    const refusal = (
      target: string,
      archiveRef: RestoreRequest['archive'] = { kind: 'upload', fileId: crypto.randomUUID() },
    ) => core.invoke('data.restore', { archive: archiveRef, target, passphrase: PASSPHRASE });
    expect(await refusal(full)).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_request',
        message: expect.stringMatching(/full is not empty \(1 entry\)/) as string,
      },
    });
    expect(await refusal(path.join(dataDir, 'inner'))).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_request',
        issues: [
          { path: 'target', message: expect.stringMatching(/inside this install's data folder/) as string },
        ],
      },
    });
    expect(await refusal('relative/folder')).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_request',
        issues: [{ path: 'target', message: expect.stringMatching(/A full path/) as string }],
      },
    });
    // A file on the way cannot hold the folder.
    expect(await refusal(path.join(full, 'notes.txt', 'copy'))).toMatchObject({
      ok: false,
      error: {
        issues: [
          {
            path: 'target',
            message: `${path.join(full, 'notes.txt')} is a file, not a folder: the restored copy cannot be made under it`,
          },
        ],
      },
    });
    // A link as the target (here to an empty folder elsewhere) is refused naming where it points:
    // the copy would be moved over the link, not into the folder the user sees.
    fs.mkdirSync(path.join(root, 'empty'));
    fs.symlinkSync(path.join(root, 'empty'), path.join(root, 'link-to-empty'));
    expect(await refusal(path.join(root, 'link-to-empty'))).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_request',
        issues: [
          {
            path: 'target',
            message: `${path.join(root, 'link-to-empty')} is a link to ${path.join(root, 'empty')}: type the folder itself`,
          },
        ],
      },
    });
    // An upload refused at once is released, as one whose job ended: the page uploads the archive
    // again with each try, so a kept one would fill the disk a gigabyte a try until the app stops.
    const refusedUpload = await upload(archive);
    expect(fs.readdirSync(path.join(dataDir, 'uploads'))).toHaveLength(1);
    expect(await refusal(full, { kind: 'upload', fileId: refusedUpload.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(fs.readdirSync(path.join(dataDir, 'uploads'))).toEqual([]);
    // An unknown upload is named as gone.
    expect(await refusal(path.join(root, 'fresh'))).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    // The wrong passphrase: the job fails saying so, nothing is left in or beside the target.
    const target = path.join(root, 'copy');
    const wrong = await restoreJob(core, {
      archive: { kind: 'upload', fileId: (await upload(archive)).id },
      target,
      passphrase: 'not the passphrase at all',
    });
    expect(wrong).toMatchObject({
      state: 'failed',
      error: { code: 'passphrase', message: expect.stringMatching(/wrong passphrase/) as string },
    });
    expect(fs.existsSync(target)).toBe(false);

    // One byte changed inside the archive: refused before anything is used.
    const bytes = fs.readFileSync(archive);
    const at = await dataOffset(archive, (name) => name.endsWith('calldeck.sqlite'));
    bytes[at] = bytes[at]! ^ 0xff;
    const tampered = path.join(root, 'tampered.zip');
    fs.writeFileSync(tampered, bytes);
    const bad = await restoreJob(core, {
      archive: { kind: 'upload', fileId: (await upload(tampered)).id },
      target,
      passphrase: PASSPHRASE,
    });
    expect(bad.state).toBe('failed');
    expect(bad.error?.code).toMatch(/^(files|unreadable)$/);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(root).filter((n) => n.includes('.restore-'))).toEqual([]);

    // What a restore into the same folder left when its process died (its staging folder, named
    // with a process id that no longer runs) is removed by the next one.
    const dead = path.join(root, '.copy.restore-999999999-0badc0de');
    fs.mkdirSync(dead);
    fs.writeFileSync(path.join(dead, 'calldeck.sqlite'), 'half');
    // The right passphrase: restored, the secrets unsealed into the copy's secret file.
    const good = await restoreJob(core, {
      archive: { kind: 'upload', fileId: (await upload(archive)).id },
      target,
      passphrase: PASSPHRASE,
    });
    expect(good.state).toBe('succeeded');
    expect(fs.existsSync(dead)).toBe(false);
    const key = new FileSecretStore(path.join(target, 'secrets.json')).get('audit.key');
    expect(verifyAuditChain(target, key)).toMatchObject({ ok: true, keyChecked: true });
    // The uploads are released (deleted) once their jobs end.
    expect(fs.readdirSync(path.join(dataDir, 'uploads'))).toEqual([]);
    // Every attempt is in this install's log (the seven refused at once too), the passphrase never.
    const ends = auditRows(dataDir, 'data.restore').map((r) => JSON.parse(r.payload) as { outcome: string });
    expect(ends.map((e) => e.outcome)).toEqual([
      ...['failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'failed'],
      ...['started', 'failed', 'started', 'failed', 'started', 'ok'],
    ]);
    expect(JSON.stringify(auditRows(dataDir, 'data.restore'))).not.toContain(PASSPHRASE);
  }, 120_000);

  it('a cancelled restore keeps nothing (the function, and the job cancelled from the tray); a host without a restored copy’s secret store refuses, pointing to the CLI', async () => {
    const { root, dataDir, core } = await restoringFolder();
    const archive = path.join(root, 'b.zip');
    await backupTo(core, archive);
    const controller = new AbortController();
    const target = path.join(root, 'cancelled');
    await expect(
      restoreBackup({
        file: archive,
        target,
        ...fileRestoreSecrets,
        signal: controller.signal,
        onProgress: (done) => {
          if (done === 2) controller.abort();
        },
      }),
    ).rejects.toThrow(new RestoreError('cancelled', 'The restore was cancelled: nothing was kept'));
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(root).filter((n) => n.includes('.restore-'))).toEqual([]);

    // Cancelled from the Jobs tray as soon as it started: the job ends cancelled, audited so, nothing kept.
    const backups = ok<ArtifactRef[]>(await core.invoke('data.backups', {}));
    const viaJob = path.join(root, 'cancelled-job');
    const { jobId } = ok<{ jobId: string }>(
      await core.invoke('data.restore', {
        archive: { kind: 'backup', artifactId: backups[0]!.id },
        target: viaJob,
      }),
    );
    ok(await core.invoke('jobs.cancel', { jobId }));
    expect(await jobEnd(core, jobId)).toMatchObject({ state: 'cancelled' });
    expect(fs.existsSync(viaJob)).toBe(false);
    expect(fs.readdirSync(root).filter((n) => n.includes('.restore-'))).toEqual([]);
    expect(
      auditRows(dataDir, 'data.restore').map((r) => (JSON.parse(r.payload) as { outcome: string }).outcome),
    ).toEqual(['started', 'cancelled']);

    const bare = await openDataFolder();
    cleanups.push(bare.cleanup);
    expect(
      await bare.core.invoke('data.restore', {
        archive: { kind: 'backup', artifactId: backups[0]!.id },
        target: path.join(bare.root, 'x'),
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/calldeck restore/) as string },
    });
  }, 60_000);
});
