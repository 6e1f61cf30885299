import type { StoredSecretName } from '../../../shared/settings';

/**
 * Where secrets live. The host provides it: the OS keychain (Electron safeStorage) or a 0600 file
 * (headless). The core never writes secrets to SQLite or logs.
 */
export interface SecretStore {
  get(name: StoredSecretName): string | undefined;
  set(name: StoredSecretName, value: string): void;
  delete(name: StoredSecretName): void;
  has(name: StoredSecretName): boolean;
}

/** In-memory store: the fake beside the interface, for tests and throwaway runs. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<StoredSecretName, string>();
  get(name: StoredSecretName) {
    return this.values.get(name);
  }
  set(name: StoredSecretName, value: string) {
    this.values.set(name, value);
  }
  delete(name: StoredSecretName) {
    this.values.delete(name);
  }
  has(name: StoredSecretName) {
    return this.values.has(name);
  }
}
