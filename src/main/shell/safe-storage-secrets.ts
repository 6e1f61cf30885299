import { safeStorage } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StoredSecretNameSchema, type StoredSecretName } from '../../shared/settings';
import type { SecretStore } from '../core';

const FileSchema = z.partialRecord(StoredSecretNameSchema, z.string());

/**
 * A secrets file (ciphertext, or a restored folder's clear secrets.json): a damaged one stops with
 * a message naming it (never silently dropped or rewritten).
 */
export function readCipherFile(file: string): Partial<Record<StoredSecretName, string>> {
  let problem: string;
  try {
    const parsed = FileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
    problem = z.prettifyError(parsed.error);
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  throw new Error(
    `The secrets file ${file} is damaged (${problem}). Move it elsewhere to start CallDeck without its ` +
      'saved secrets, then enter them again in Settings.',
  );
}

/**
 * Secrets encrypted with the OS keychain (safeStorage: Keychain, DPAPI, libsecret/kwallet), stored
 * as base64 ciphertext in a 0600 file beside the database (never inside it).
 */
export class SafeStorageSecretStore implements SecretStore {
  private cipher: Partial<Record<StoredSecretName, string>> = {};

  constructor(private readonly file: string) {
    if (fs.existsSync(file)) this.cipher = readCipherFile(file);
  }

  private ensureAvailable(): void {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new Error(
        'The OS keychain is not available, so secrets cannot be stored safely on this desktop.',
      );
    }
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(this.cipher, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  get(name: StoredSecretName): string | undefined {
    const value = this.cipher[name];
    if (value === undefined) return undefined;
    this.ensureAvailable();
    return safeStorage.decryptString(Buffer.from(value, 'base64'));
  }
  has(name: StoredSecretName): boolean {
    return this.cipher[name] !== undefined;
  }
  set(name: StoredSecretName, value: string): void {
    this.ensureAvailable();
    this.cipher = { ...this.cipher, [name]: safeStorage.encryptString(value).toString('base64') };
    this.save();
  }
  delete(name: StoredSecretName): void {
    const { [name]: _gone, ...rest } = this.cipher;
    this.cipher = rest;
    this.save();
  }
}

/**
 * A folder restored by `calldeck restore` keeps its secrets in the headless host's 0600
 * secrets.json (the backup carried them sealed under a passphrase). On the desktop app's first
 * start there they move into the OS keychain and that clear-text file is removed. Returns how many
 * moved; a folder that already has a keychain file is left as it is.
 */
export function adoptRestoredSecrets(keychainFile: string, headlessFile: string): number {
  if (fs.existsSync(keychainFile) || !fs.existsSync(headlessFile)) return 0;
  const plain = readCipherFile(headlessFile);
  const store = new SafeStorageSecretStore(keychainFile);
  let moved = 0;
  for (const name of StoredSecretNameSchema.options) {
    const value = plain[name];
    if (value === undefined) continue;
    store.set(name, value);
    moved += 1;
  }
  fs.rmSync(headlessFile);
  return moved;
}
