import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { Core, CoreConfig } from '../../../src/main/core';
import { FileSecretStore } from '../../../src/main/server';
import type { BackupRequest, BackupResultInfo } from '../../../src/shared/data-care';
import type { JobInfo } from '../../../src/shared/jobs';
import { ok, untilAsync } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * A temp root with a data folder in it and a core on that folder whose secrets live in a file
 * named `secretsFile` (the headless host's secrets.json by default; the desktop app's name,
 * secrets.keychain.json, stands for a backup made there). Stopped and removed by `cleanup`.
 */
export async function openDataFolder(
  o: { secretsFile?: string; core?: Partial<CoreConfig>; prepare?: (dataDir: string) => void } = {},
): Promise<{
  root: string;
  dataDir: string;
  core: Core;
  stop: () => Promise<void>;
  cleanup: () => Promise<void>;
}> {
  const { dir: root, cleanup: removeRoot } = makeTempDir('calldeck-backup-');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir);
  o.prepare?.(dataDir);
  const { core, cleanup: stop } = await makeTestCore({
    dataDir,
    secrets: new FileSecretStore(path.join(dataDir, o.secretsFile ?? 'secrets.json')),
    ...o.core,
  });
  return {
    root,
    dataDir,
    core,
    stop,
    cleanup: async () => {
      await stop();
      removeRoot();
    },
  };
}

/** Waits (bounded) for a job to leave `running`. */
export function jobEnd(core: Core, jobId: string, timeoutMs = 60_000): Promise<JobInfo> {
  return untilAsync(async () => {
    const j = ok<JobInfo>(await core.invoke('jobs.get', { jobId }));
    return j.state === 'running' ? undefined : j;
  }, timeoutMs);
}

/** Backs up through the Api (as the page does) and, when it succeeds, downloads the archive to `archive`. */
export async function backupTo(
  core: Core,
  archive: string,
  request: BackupRequest = {},
): Promise<{ job: JobInfo; result: BackupResultInfo }> {
  const { jobId } = ok<{ jobId: string }>(await core.invoke('data.backup', request));
  const job = await jobEnd(core, jobId);
  if (job.state !== 'succeeded') throw new Error(`backup ${job.state}: ${JSON.stringify(job.error)}`);
  const result = job.result as BackupResultInfo;
  const res = await core.serveArtifact({ id: result.artifact.id });
  if (res.status !== 200 || !res.body) throw new Error(`archive not served: ${res.status}`);
  await pipeline(res.body, fs.createWriteStream(archive));
  return { job, result };
}

/** The archive offset of the middle of the first entry `pick` names (its compressed data). */
export async function dataOffset(archive: string, pick: (name: string) => boolean): Promise<number> {
  const zip = await yauzl.openPromise(archive, { lazyEntries: true });
  try {
    for await (const e of zip.eachEntry()) {
      if (!pick(e.fileName) || e.compressedSize < 64) continue;
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(e, { minimal: true });
      return fileDataStart + Math.floor(e.compressedSize / 2);
    }
  } finally {
    zip.close();
  }
  throw new Error('no such entry');
}
