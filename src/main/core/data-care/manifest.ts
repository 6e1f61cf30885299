import { z } from 'zod';
import { parseJson } from '../input';

/** The archive's layout: the manifest at the top, the data folder's files under `data/`. */
export const MANIFEST_ENTRY = 'manifest.json';
export const DATA_PREFIX = 'data/';
export const BACKUP_FORMAT = 'calldeck-backup';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** A path inside the data folder: relative, forward slashes, no `.`/`..` segments, no drive letters. */
const RelPath = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      !/^[a-zA-Z]:/.test(p) &&
      p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    'not a relative path inside the data folder',
  );

export const ManifestFileSchema = z
  .object({ path: RelPath, size: z.number().int().min(0), sha256: Sha256 })
  .strict();
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

export const ManifestSchema = z
  .object({
    format: z.literal(BACKUP_FORMAT),
    version: z.literal(1),
    createdAt: z.string().max(40),
    app: z.object({ version: z.string().max(60), host: z.string().max(20) }).strict(),
    /** The folder it was taken from: paths the database keeps under it are moved to the restored one. */
    dataDir: z.string().max(4096).optional(),
    /** The database file (a `VACUUM INTO` snapshot) and what it held when taken. */
    database: z
      .object({ path: RelPath, schemaVersion: z.number().int().min(0), auditRows: z.number().int().min(0) })
      .strict(),
    /** The host's secret file found in the data folder (the audit key is in it), or null. */
    secretsFile: RelPath.nullable(),
    files: z.array(ManifestFileSchema).max(5_000_000),
  })
  .strict();
export type Manifest = z.infer<typeof ManifestSchema>;

/** A manifest read from an archive (outside input: bounded, prototype-free, then the schema). */
export function parseManifest(
  bytes: Buffer,
): { ok: true; manifest: Manifest } | { ok: false; reason: string } {
  const json = parseJson(bytes, { maxBytes: 512 * 1024 * 1024, maxDepth: 8, maxKeys: 20_000_000 });
  if (!json.ok) return { ok: false, reason: `the manifest is not readable JSON: ${json.error.message}` };
  const parsed = ManifestSchema.safeParse(json.value);
  if (!parsed.success)
    return {
      ok: false,
      reason: `the manifest is not a CallDeck backup manifest (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'root'}: ${i.message}`)
        .join('; ')})`,
    };
  return { ok: true, manifest: parsed.data };
}
