import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretStore, SecretFileError } from '../../../src/main/server';
import { makeTempDir } from '../../helpers/temp-dir';

describe('headless secret store (0600 file)', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('persists secrets in an owner-only file and reloads them', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'secrets.json');
    const store = new FileSecretStore(file);
    expect(store.has('exotel.apiToken')).toBe(false);
    store.set('exotel.apiToken', 'tok-1');
    store.set('speech.apiKey', 'sk-2');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = new FileSecretStore(file);
    expect(again.get('exotel.apiToken')).toBe('tok-1');
    again.delete('exotel.apiToken');
    expect(new FileSecretStore(file).has('exotel.apiToken')).toBe(false);
    expect(new FileSecretStore(file).get('speech.apiKey')).toBe('sk-2');
    expect(fs.readdirSync(tmp.dir)).toEqual(['secrets.json']);
  });

  it('tightens a loosened file mode and refuses a corrupt or foreign file clearly', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'secrets.json');
    fs.writeFileSync(file, JSON.stringify({ 'exotel.apiKey': 'k' }), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(new FileSecretStore(file).get('exotel.apiKey')).toBe('k');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.writeFileSync(file, '{oops');
    expect(() => new FileSecretStore(file)).toThrow(SecretFileError);
    fs.writeFileSync(file, JSON.stringify({ 'not.a.secret': 'x' }));
    expect(() => new FileSecretStore(file)).toThrow(/unexpected entries/);
  });
});
