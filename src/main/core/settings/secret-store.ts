import type { SecretName } from '../../../shared/settings';

/**
 * Where secrets live. The host provides it: the OS keychain (Electron safeStorage) or a 0600 file
 * (headless). The core never writes secrets to SQLite or logs.
 */
export interface SecretStore {
  get(name: SecretName): string | undefined;
  set(name: SecretName, value: string): void;
  delete(name: SecretName): void;
  has(name: SecretName): boolean;
}

/** In-memory store: the fake beside the interface, for tests and throwaway runs. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<SecretName, string>();
  get(name: SecretName) {
    return this.values.get(name);
  }
  set(name: SecretName, value: string) {
    this.values.set(name, value);
  }
  delete(name: SecretName) {
    this.values.delete(name);
  }
  has(name: SecretName) {
    return this.values.has(name);
  }
}
