import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { compareBundleWithChain, DATA_TOOL } from '../../../src/main/core';
import { openFolderCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/**
 * `verify-bundle --data`: the bundle's rows against the install's log. When a row differs, the
 * auditor is told which fields, on which side each value is, and how to tell which copy changed.
 */
describe('a bundle compared with the install it came from', () => {
  it('names the row and the fields that differ, with both values, without blaming one side', async () => {
    const { dir, cleanup } = makeTempDir('calldeck-bundle-compare-');
    cleanups.push(cleanup);
    const core = await openFolderCore(dir, { profile: DATA_TOOL });
    await core.invoke('dnc.add', { phones: ['+919800000001'] });
    await core.invoke('dnc.add', { phones: ['+919800000002'] });
    await core.stop();
    const db = new Database(path.join(dir, 'calldeck.sqlite'));
    cleanups.push(() => db.close());
    // The bundle's copy: the rows as they were at export.
    const rows = db
      .prepare(
        'SELECT seq, prev_hash AS prevHash, hash, at, actor, action, subject, payload FROM audit_log ORDER BY seq',
      )
      .all() as { seq: number; prevHash: string; hash: string }[];
    expect(compareBundleWithChain(dir, rows, null)).toEqual([
      expect.stringMatching(/^no export in this install's audit log was signed/),
    ]);

    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    expect(compareBundleWithChain(dir, rows, null)[0]).toBe(
      "row 2 differs between this install's audit log and the bundle's copy (actor 'mallory' here, 'tester' in the bundle): one of them was rewritten; if the bundle matches its signed manifest, it is this install's row",
    );
    // A withheld row (hashes only) is compared by its hashes.
    db.prepare("UPDATE audit_log SET actor = 'tester', hash = 'f00' WHERE seq = 2").run();
    expect(compareBundleWithChain(dir, [rows[0]!, { ...rows[1]!, withheld: true }], null)[0]).toMatch(
      /^row 2 differs between this install's audit log and the bundle's copy \(hash\): /,
    );
  });
});
