import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import {
  loadOrCreatePublicSecret,
  PUBLIC_SECRET_KEY,
  publicUrls,
} from '../../../src/main/core/public-surface';
import { MemorySecretStore } from '../../../src/main/core/settings';
import { openDatabase, SettingsRepository } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Every byte SQLite keeps for this database: the file and its WAL and shared memory. */
const sqliteBytes = (file: string) =>
  Buffer.concat(
    [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
  );

describe('public secret', () => {
  it('is random per install, kept in the secret store (not the database), stable, replaced when damaged', () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'calldeck.sqlite');
    const db = openDatabase(file);
    cleanups.unshift(() => db.close());
    const repo = new SettingsRepository(db);
    const secrets = new MemorySecretStore();
    const first = loadOrCreatePublicSecret(secrets, repo);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(secrets.get('public.secret')).toBe(first);
    expect(repo.get(PUBLIC_SECRET_KEY)).toBeUndefined();
    expect(loadOrCreatePublicSecret(secrets, repo)).toBe(first);
    expect(loadOrCreatePublicSecret(new MemorySecretStore(), repo)).not.toBe(first);

    secrets.set('public.secret', 'short!');
    const logs: LogRecord[] = [];
    const replaced = loadOrCreatePublicSecret(secrets, repo, createLogger([memorySink(logs)]));
    expect(replaced).not.toBe(first);
    expect(logs.map((l) => l.message)).toEqual(['stored public secret is damaged; a new one was made']);
  });

  it('moves an older install’s secret out of the database, same value, bytes gone from the files', () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'calldeck.sqlite');
    const old = openDatabase(file);
    const legacy = 'Legacy_Secret_0123456789abcdefXYZ';
    // As the code before the move stored it, with other settings written around it.
    new SettingsRepository(old).set('exotel', '{"accountSid":"acme"}');
    new SettingsRepository(old).set(PUBLIC_SECRET_KEY, JSON.stringify(legacy));
    new SettingsRepository(old).set('calling', '{"timeZone":"Asia/Kolkata"}');
    old.close();
    expect(sqliteBytes(file).includes(legacy)).toBe(true);

    const db = openDatabase(file);
    cleanups.unshift(() => db.close());
    const secrets = new MemorySecretStore();
    const logs: LogRecord[] = [];
    expect(
      loadOrCreatePublicSecret(secrets, new SettingsRepository(db), createLogger([memorySink(logs)])),
    ).toBe(legacy);
    expect(secrets.get('public.secret')).toBe(legacy);
    expect(new SettingsRepository(db).get(PUBLIC_SECRET_KEY)).toBeUndefined();
    expect(new SettingsRepository(db).get('exotel')).toBe('{"accountSid":"acme"}');
    expect(sqliteBytes(file).includes(legacy)).toBe(false);
    expect(logs.map((l) => l.message)).toContain('public secret moved from the database to the secret store');
  });

  it('builds the URLs to paste into Exotel', () => {
    expect(publicUrls('https://abc.ngrok.app/', 'S3cret')).toEqual({
      statusCallback: 'https://abc.ngrok.app/exotel/S3cret/status',
      passthru: 'https://abc.ngrok.app/exotel/S3cret/passthru',
      voicebot: 'wss://abc.ngrok.app/voicebot/S3cret/stream',
      health: 'https://abc.ngrok.app/exotel/S3cret/health',
    });
  });
});
