import path from 'node:path';
import { StoredSecretNameSchema } from '../../shared/settings';
import type { CoreConfig } from '../core';
import { adoptRestoredSecrets, readCipherFile, SafeStorageSecretStore } from './safe-storage-secrets';

const KEYCHAIN_FILE = 'secrets.keychain.json';
const HEADLESS_FILE = 'secrets.json';

/**
 * The desktop app's way with a restored folder's secrets (Settings › Data › Restore): opened sealed
 * secrets go straight into the OS keychain; a backup of this computer's desktop app (its keychain
 * file) is read with the keychain, so it restores here without a passphrase; a headless backup's
 * secrets.json is read as it is and moves into the keychain when a core opens the copy, as on the
 * desktop app's first start there.
 */
export const keychainRestoreSecrets: NonNullable<CoreConfig['restoreSecrets']> = {
  auditKey: (dir, manifest) => {
    try {
      if (manifest.secretsFile === KEYCHAIN_FILE)
        return new SafeStorageSecretStore(path.join(dir, KEYCHAIN_FILE)).get('audit.key');
      if (manifest.secretsFile === HEADLESS_FILE)
        return readCipherFile(path.join(dir, HEADLESS_FILE))['audit.key'];
    } catch {
      // Another computer's keychain, or a damaged file: restoreBackup names it (no_key).
    }
    return undefined;
  },
  installSecrets: (dir, secrets) => {
    const store = new SafeStorageSecretStore(path.join(dir, KEYCHAIN_FILE));
    for (const [name, value] of Object.entries(secrets)) {
      const known = StoredSecretNameSchema.safeParse(name);
      if (!known.success)
        throw new Error(`The backup holds a secret this version does not know (${name.slice(0, 60)})`);
      store.set(known.data, value);
    }
  },
  store: (dir) => {
    const keychain = path.join(dir, KEYCHAIN_FILE);
    adoptRestoredSecrets(keychain, path.join(dir, HEADLESS_FILE));
    return new SafeStorageSecretStore(keychain);
  },
};
