import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { z } from 'zod';
import { parseJson } from '../input';

/**
 * The host's secrets sealed under a passphrase the user types at backup and restore time, so a
 * backup restores on any host: the desktop app's secrets are encrypted by the OS keychain of the
 * computer and user that made them, which no other host can open. scrypt derives the key (about
 * 32 MB and a tenth of a second, so guessing is slow); AES-256-GCM encrypts and authenticates.
 */
export const SEALED_SECRETS_FILE = 'secrets.sealed.json';
const FORMAT = 'calldeck-sealed-secrets';
/** scrypt's cost: N = 2^15, r = 8 needs 32 MB (128 * N * r); maxmem leaves room above it. */
const KDF = { N: 32768, r: 8, p: 1 } as const;
const MAXMEM = 64 * 1024 * 1024;
export const PASSPHRASE_MIN = 10;

const b64 = z
  .string()
  .max(1_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/);
const SealedSchema = z
  .object({
    format: z.literal(FORMAT),
    version: z.literal(1),
    kdf: z
      .object({
        name: z.literal('scrypt'),
        N: z.number().int().min(1024).max(1_048_576),
        r: z.number().int().min(1).max(32),
        p: z.number().int().min(1).max(16),
        salt: b64,
      })
      .strict(),
    cipher: z.literal('aes-256-gcm'),
    iv: b64,
    tag: b64,
    data: b64,
  })
  .strict();
const SecretsSchema = z.record(z.string().max(200), z.string().max(100_000));

/** A passphrase that does not open the sealed secrets (or a file changed since it was sealed). */
export class SealedSecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedSecretsError';
  }
}

export function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length < PASSPHRASE_MIN)
    throw new SealedSecretsError(`The passphrase must be at least ${PASSPHRASE_MIN} characters`);
}

const derive = (passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }) =>
  scryptSync(passphrase.normalize('NFC'), salt, 32, { ...kdf, maxmem: MAXMEM });

/** The secrets as the file a backup carries. */
export function sealSecrets(secrets: Record<string, string>, passphrase: string): Buffer {
  checkPassphrase(passphrase);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(passphrase, salt, KDF), iv);
  cipher.setAAD(Buffer.from(FORMAT));
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  const sealed: z.infer<typeof SealedSchema> = {
    format: FORMAT,
    version: 1,
    kdf: { name: 'scrypt', ...KDF, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return Buffer.from(JSON.stringify(sealed, null, 1));
}

/** The secrets a sealed file holds; throws SealedSecretsError naming why they cannot be opened. */
export function openSealedSecrets(bytes: Buffer, passphrase: string): Record<string, string> {
  const json = parseJson(bytes, { maxBytes: 4 * 1024 * 1024, maxDepth: 4, maxKeys: 100 });
  const parsed = json.ok ? SealedSchema.safeParse(json.value) : undefined;
  if (!parsed?.success)
    throw new SealedSecretsError(`${SEALED_SECRETS_FILE} is not a CallDeck sealed secrets file`);
  const s = parsed.data;
  // The archive names its own cost, and scrypt runs on the calling thread: hold it to CallDeck's
  // memory and at most 4x its work, so an uploaded file cannot stall the app or break scrypt.
  const costly = new SealedSecretsError(
    `${SEALED_SECRETS_FILE} asks for a key derivation costlier than CallDeck ever sets: it was not made by CallDeck`,
  );
  if (s.kdf.N * s.kdf.r > KDF.N * KDF.r || s.kdf.N * s.kdf.r * s.kdf.p > 4 * KDF.N * KDF.r * KDF.p)
    throw costly;
  let key: Buffer;
  try {
    key = derive(passphrase, Buffer.from(s.kdf.salt, 'base64'), s.kdf);
  } catch (err) {
    // Parameters scrypt itself refuses (its memory limit): the file's fault, said as such.
    if ((err as NodeJS.ErrnoException).code === 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS') throw costly;
    throw err;
  }
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(s.iv, 'base64'));
    decipher.setAAD(Buffer.from(FORMAT));
    decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SealedSecretsError('The passphrase does not open the backup’s secrets (wrong passphrase)');
  }
  const secrets = parseJson(Buffer.from(plain), { maxBytes: 4 * 1024 * 1024, maxDepth: 2, maxKeys: 100 });
  const values = secrets.ok ? SecretsSchema.safeParse(secrets.value) : undefined;
  if (!values?.success) throw new SealedSecretsError(`${SEALED_SECRETS_FILE} holds no readable secrets`);
  return values.data;
}
