import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../../src/main/server';
import { makeTestCore } from '../../helpers/core';
import { backupTo, openDataFolder } from './backup-rig';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a backup killed mid-way', () => {
  it('leaves scratch files that the next start removes (a running backup keeps its own); only whole archives stay in backups/', async () => {
    const folder = await openDataFolder();
    cleanups.push(folder.cleanup);
    const { result } = await backupTo(folder.core, path.join(folder.root, 'copy.zip'));
    await folder.stop();
    const backups = path.join(folder.dataDir, 'backups');
    const whole = result.artifact.name;
    const archive = fs.readFileSync(path.join(backups, whole));

    // What `kill -9` during a backup leaves: half an archive and the database snapshot.
    const deadPid = 2 ** 22 + 4321; // above Linux's pid_max: no such process
    const livePid = process.ppid;
    const half = archive.subarray(0, Math.floor(archive.length / 2));
    const left = {
      deadPartial: `.partial-${deadPid}-calldeck-backup-2026-11-26_08-00-00-0a1b2c3d.zip.tmp`,
      deadSnapshot: `.snapshot-${deadPid}-1764144000000.tmp`,
      deadSnapshotWal: `.snapshot-${deadPid}-1764144000000.tmp-wal`,
      oldStylePartial: `calldeck-backup-2026-11-25_08-00-00-0a1b2c3d.zip.${deadPid}.tmp`,
      livePartial: `.partial-${livePid}-calldeck-backup-2026-11-26_08-00-01-4e5f6a7b.zip.tmp`,
      liveSnapshot: `.snapshot-${livePid}-1764144001000.tmp`,
    };
    for (const name of Object.values(left)) fs.writeFileSync(path.join(backups, name), half);
    const old = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(path.join(backups, left.oldStylePartial), old, old);

    const { core, cleanup } = await makeTestCore({
      dataDir: folder.dataDir,
      secrets: new FileSecretStore(path.join(folder.dataDir, 'secrets.json')),
    });
    cleanups.push(cleanup);
    expect(fs.readdirSync(backups).sort()).toEqual([left.livePartial, left.liveSnapshot, whole].sort());
    // The archive that stayed is the whole one, and the app still serves it as its backup.
    const res = await core.serveArtifact({ id: result.artifact.id });
    expect(res.status).toBe(200);
    res.body?.destroy();
  });

  it('writes the archive under a scratch name tagged with its process until it is whole', async () => {
    const folder = await openDataFolder();
    cleanups.push(folder.cleanup);
    const backups = path.join(folder.dataDir, 'backups');
    const seen = new Set<string>();
    const watcher = setInterval(() => {
      for (const n of fs.existsSync(backups) ? fs.readdirSync(backups) : []) seen.add(n);
    }, 1);
    try {
      await backupTo(folder.core, path.join(folder.root, 'copy.zip'));
    } finally {
      clearInterval(watcher);
    }
    for (const n of seen)
      expect(n).toMatch(
        new RegExp(`^(\\.(partial|snapshot)-${process.pid}-.*\\.tmp(-wal|-shm|-journal)?|[\\w.-]+\\.zip)$`),
      );
  });
});
