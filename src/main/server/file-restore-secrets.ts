import path from 'node:path';
import { StoredSecretNameSchema } from '../../shared/settings';
import type { CoreConfig } from '../core';
import { FileSecretStore } from './file-secret-store';
import { SECRETS_FILE } from './host-server';

/**
 * The headless host's way with a restored folder's secrets, for `calldeck restore` and the page's
 * restore alike: its secret file holds the audit key, and opened sealed secrets become that file.
 */
export const fileRestoreSecrets: NonNullable<CoreConfig['restoreSecrets']> = {
  auditKey: (dir) => {
    try {
      return new FileSecretStore(path.join(dir, SECRETS_FILE)).get('audit.key');
    } catch {
      return undefined;
    }
  },
  installSecrets: (dir, secrets) => {
    const store = new FileSecretStore(path.join(dir, SECRETS_FILE));
    for (const [name, value] of Object.entries(secrets)) {
      const known = StoredSecretNameSchema.safeParse(name);
      if (!known.success)
        throw new Error(`The backup holds a secret this version does not know (${name.slice(0, 60)})`);
      store.set(known.data, value);
    }
  },
  store: (dir) => new FileSecretStore(path.join(dir, SECRETS_FILE)),
};
