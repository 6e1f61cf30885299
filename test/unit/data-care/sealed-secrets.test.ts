import { describe, expect, it } from 'vitest';
import {
  openSealedSecrets,
  sealSecrets,
  SealedSecretsError,
} from '../../../src/main/core/data-care/sealed-secrets';

const PASSPHRASE = 'correct horse battery staple';
const SECRETS = { 'audit.key': 'k'.repeat(64) };

/** A sealed file as a backup carries it, with its scrypt parameters rewritten (the archive's word). */
function withKdf(kdf: { N: number; r: number; p: number }): Buffer {
  const sealed = JSON.parse(sealSecrets(SECRETS, PASSPHRASE).toString('utf8')) as {
    kdf: Record<string, unknown>;
  };
  Object.assign(sealed.kdf, kdf);
  return Buffer.from(JSON.stringify(sealed));
}

describe('sealed secrets of an uploaded backup', () => {
  it('opens what CallDeck sealed', () => {
    expect(openSealedSecrets(sealSecrets(SECRETS, PASSPHRASE), PASSPHRASE)).toEqual(SECRETS);
  });

  it('refuses scrypt parameters beyond what CallDeck sets, before deriving: no second of the main thread spent, no bare crypto error', () => {
    for (const kdf of [
      // Within the old schema: ~0.8 s of the event loop each, then 'wrong passphrase'.
      { N: 32768, r: 8, p: 16 },
      { N: 131072, r: 2, p: 16 },
      // Within the old schema, beyond scrypt's memory limit: Node's RangeError escaped as 'internal'.
      { N: 262144, r: 1, p: 8 },
      { N: 1_048_576, r: 32, p: 1 },
      // Within the new cost bound, still beyond scrypt's memory limit: refused the same way.
      { N: 262144, r: 1, p: 4 },
    ]) {
      const started = performance.now();
      let err: unknown;
      try {
        openSealedSecrets(withKdf(kdf), PASSPHRASE);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(kdf)).toBeInstanceOf(SealedSecretsError);
      expect((err as Error).message).toBe(
        'secrets.sealed.json asks for a key derivation costlier than CallDeck ever sets: it was not made by CallDeck',
      );
      expect(performance.now() - started).toBeLessThan(200);
    }
  });
});
