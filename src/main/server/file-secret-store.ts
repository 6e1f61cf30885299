import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StoredSecretNameSchema, type StoredSecretName } from '../../shared/settings';
import type { SecretStore } from '../core';

const FileSchema = z.partialRecord(StoredSecretNameSchema, z.string());

export class SecretFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretFileError';
  }
}

/**
 * The headless host's secret store: a JSON file readable only by its owner (0600), written
 * atomically. Used where no OS keychain is available.
 */
export class FileSecretStore implements SecretStore {
  private values: Partial<Record<StoredSecretName, string>>;

  constructor(private readonly file: string) {
    this.values = this.load();
  }

  private load(): Partial<Record<StoredSecretName, string>> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    if (process.platform !== 'win32') {
      const mode = fs.statSync(this.file).mode & 0o777;
      // Tighten rather than refuse: the file is ours, a umask or a copy may have loosened it.
      if (mode !== 0o600) fs.chmodSync(this.file, 0o600);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SecretFileError(`${this.file} is not valid JSON; fix or delete it (secrets are not read)`);
    }
    const parsed = FileSchema.safeParse(json);
    if (!parsed.success)
      throw new SecretFileError(
        `${this.file} has unexpected entries: ${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}`,
      );
    return parsed.data;
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  get(name: StoredSecretName) {
    return this.values[name];
  }
  has(name: StoredSecretName) {
    return this.values[name] !== undefined;
  }
  set(name: StoredSecretName, value: string) {
    this.values = { ...this.values, [name]: value };
    this.save();
  }
  delete(name: StoredSecretName) {
    if (!this.has(name)) return;
    const { [name]: _removed, ...rest } = this.values;
    this.values = rest;
    this.save();
  }
}
