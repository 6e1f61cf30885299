import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import {
  loadOrCreatePublicSecret,
  PUBLIC_SECRET_KEY,
  publicUrls,
} from '../../../src/main/core/public-surface';
import { openDatabase, SettingsRepository } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('public secret', () => {
  it('is random per install, stable across restarts, and replaced (with an error logged) when damaged', () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'calldeck.db');
    const db = openDatabase(file);
    const repo = new SettingsRepository(db);
    const first = loadOrCreatePublicSecret(repo);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    db.close();
    const again = openDatabase(file);
    cleanups.unshift(() => again.close());
    const repo2 = new SettingsRepository(again);
    expect(loadOrCreatePublicSecret(repo2)).toBe(first);

    const other = makeTempDir();
    cleanups.push(other.cleanup);
    const db3 = openDatabase(path.join(other.dir, 'calldeck.db'));
    cleanups.unshift(() => db3.close());
    expect(loadOrCreatePublicSecret(new SettingsRepository(db3))).not.toBe(first);

    repo2.set(PUBLIC_SECRET_KEY, '{broken');
    const logs: LogRecord[] = [];
    const replaced = loadOrCreatePublicSecret(repo2, createLogger([memorySink(logs)]));
    expect(replaced).not.toBe(first);
    expect(logs.map((l) => l.message)).toEqual(['stored public secret is damaged; a new one was made']);
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
