import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import type { SecretStore } from '../../settings';

/**
 * The install's bundle-signing key: Ed25519, made on first use and kept in the host's secret store
 * beside the audit key (never in the database, never in a bundle). Bundles carry the public key
 * and its fingerprint, so anyone can check a signature offline; the fingerprint is shown at export
 * and recorded in the export's audit row, which is what a re-signed bundle cannot match.
 */
export interface BundleSigner {
  /** The public key, DER SubjectPublicKeyInfo, base64. */
  publicKey: string;
  /** SHA-256 of the DER public key, hex (what verify.mjs computes). */
  fingerprint: string;
  sign(data: Buffer): Buffer;
}

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

const SECRET = 'audit.signing-key';

function load(text: string): KeyObject {
  try {
    const key = createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key`);
    return key;
  } catch (err) {
    throw new SigningKeyError(
      `The stored bundle signing key is damaged (${(err as Error).message}); bundles cannot be signed`,
    );
  }
}

export function bundleSigner(secrets: SecretStore): BundleSigner {
  let text = secrets.get(SECRET);
  if (text === undefined) {
    const { privateKey } = generateKeyPairSync('ed25519');
    text = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    secrets.set(SECRET, text);
  }
  const privateKey = load(text);
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    publicKey: der.toString('base64'),
    fingerprint: createHash('sha256').update(der).digest('hex'),
    sign: (data) => sign(null, data, privateKey),
  };
}
