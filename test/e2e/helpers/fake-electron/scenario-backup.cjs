'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs the built bundles in a child Node */
const fs = require('node:fs');
const { settle, until, quitSequence } = require('./scenarios.cjs');

/**
 * The desktop app's backup with a passphrase, as Settings › Data asks for it: a secret kept in the
 * keychain, data.backup with the passphrase, the job followed through job.updated, the archive
 * fetched through artifact: like a download and written to FAKE_ELECTRON_OUT. Returns what
 * happened; test/e2e/electron-backup.test.ts restores the archive with the CLI and asserts. With
 * FAKE_ELECTRON_RESTORE_TARGET it also restores the backup there from the page (data.restore).
 */
async function runBackup({ fake, app, win, page }) {
  const calldeck = page.calldeck;
  const jobs = new Map();
  calldeck.on('job.updated', (job) => jobs.set(job.id, job));
  const out = {};
  out.secret = await settle(() =>
    calldeck.settings.setSecret({ name: 'exotel.apiToken', value: process.env.FAKE_ELECTRON_SECRET ?? '' }),
  );
  out.started = await settle(() =>
    calldeck.data.backup({ passphrase: process.env.FAKE_ELECTRON_PASSPHRASE ?? '' }),
  );
  const jobId = out.started.ok ? out.started.value.jobId : undefined;
  out.finished =
    jobId !== undefined &&
    (await until(() => jobs.get(jobId)?.state !== 'running' && jobs.has(jobId), 30_000));
  const job = jobs.get(jobId);
  out.job = job ? { state: job.state, result: job.result, error: job.error } : null;
  const artifactId = job?.result?.artifact?.id;
  if (artifactId) {
    const res = await fake.protocolFetch(`artifact://local/${artifactId}?download=1`, {
      referrer: win.webContents.getURL(),
    });
    fs.writeFileSync(process.env.FAKE_ELECTRON_OUT ?? '', Buffer.from(await res.arrayBuffer()));
    out.download = { status: res.status, type: res.headers.get('content-type') };
  }
  // Settings › Data › Restore in the desktop app: the backup just made, into a new folder, first
  // with a wrong passphrase (refused), then with the right one.
  const target = process.env.FAKE_ELECTRON_RESTORE_TARGET;
  if (artifactId && target) {
    const restore = async (passphrase, from = artifactId, into = target) => {
      const started = await settle(() =>
        calldeck.data.restore({ archive: { kind: 'backup', artifactId: from }, target: into, passphrase }),
      );
      const id = started.ok ? started.value.jobId : undefined;
      if (id === undefined) return { started };
      await until(() => jobs.has(id) && jobs.get(id).state !== 'running', 30_000);
      const j = jobs.get(id);
      return { state: j?.state, result: j?.result, error: j?.error };
    };
    out.restoreWrong = await restore('not the passphrase');
    out.restore = await restore(process.env.FAKE_ELECTRON_PASSPHRASE ?? '');
    // A backup without a passphrase keeps its secrets in this computer's keychain file: restored here.
    const plain = await settle(() => calldeck.data.backup({}));
    const plainId = plain.ok ? plain.value.jobId : undefined;
    await until(() => jobs.has(plainId) && jobs.get(plainId).state !== 'running', 30_000);
    const plainArtifact = jobs.get(plainId)?.result?.artifact?.id;
    out.restorePlain = plainArtifact
      ? await restore(undefined, plainArtifact, `${target}-plain`)
      : { started: plain };
  }
  out.settings = await settle(() => calldeck.settings.get());
  out.quit = await quitSequence({ fake, app, win });
  return out;
}

module.exports = { runBackup };
