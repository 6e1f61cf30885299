import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

/**
 * The bundle verifier is one file, resources/audit/verify.mjs (plain Node, no dependencies): every
 * bundle carries a copy for auditors without CallDeck, and `calldeck audit verify-bundle` runs the
 * same file, so the two can never disagree.
 */
export const VERIFIER_FILE = path.join('audit', 'verify.mjs');

const ResultSchema = z.object({
  ok: z.boolean(),
  bundle: z.string(),
  fingerprint: z.string().nullable(),
  files: z.number(),
  problems: z.array(z.object({ code: z.string(), path: z.string().optional(), message: z.string() })),
  warnings: z.array(z.string()),
});
export type BundleVerifyResult = z.infer<typeof ResultSchema>;

/** resources/audit/verify.mjs: under the given resources folder, else beside the build or the sources. */
export function findBundleVerifier(resourcesDir?: string): string {
  // Built: out/main/chunks → ../../../resources; sources: src/main/core/reports/bundle → 5 levels up.
  const up = [1, 2, 3, 4, 5, 6].map((n) => path.resolve(__dirname, '../'.repeat(n), 'resources'));
  const candidates = [
    ...(resourcesDir ? [resourcesDir] : []),
    ...up,
    path.resolve(process.cwd(), 'resources'),
  ].map((dir) => path.join(dir, VERIFIER_FILE));
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) throw new Error(`The bundle verifier (${VERIFIER_FILE}) is missing from CallDeck's resources`);
  return found;
}

/** One row of a bundle's audit slice: in full, or only its links (`withheld`). */
export interface BundleAuditRow {
  seq: number;
  prevHash: string;
  hash: string;
  withheld?: boolean;
  at?: string;
  actor?: string;
  action?: string;
  subject?: string;
  payload?: string;
}

const RowsSchema = z.array(
  z.object({
    seq: z.number().int(),
    prevHash: z.string(),
    hash: z.string(),
    withheld: z.boolean().optional(),
    at: z.string().optional(),
    actor: z.string().optional(),
    action: z.string().optional(),
    subject: z.string().optional(),
    payload: z.string().optional(),
  }),
);

async function loadVerifier(verifierFile?: string): Promise<Record<string, unknown>> {
  const verifier = verifierFile ?? findBundleVerifier();
  return (await import(pathToFileURL(verifier).href)) as Record<string, unknown>;
}

/** The audit-log slice a bundle holds, read by verify.mjs (rows in order). */
export async function readBundleAuditRows(file: string, verifierFile?: string): Promise<BundleAuditRow[]> {
  const mod = await loadVerifier(verifierFile);
  if (typeof mod.bundleAuditRows !== 'function')
    throw new Error('verify.mjs does not export bundleAuditRows');
  return RowsSchema.parse((mod.bundleAuditRows as (f: string) => unknown)(path.resolve(file)));
}

/** Verifies a bundle offline (no data folder needed); `expectKey` pins the signing key's fingerprint. */
export async function verifyBundleFile(
  file: string,
  options: { expectKey?: string; verifierFile?: string } = {},
): Promise<BundleVerifyResult> {
  const mod = await loadVerifier(options.verifierFile);
  if (typeof mod.verifyBundle !== 'function') throw new Error('verify.mjs does not export verifyBundle');
  const verify = mod.verifyBundle as (f: string, o: { expectKey?: string }) => unknown;
  return ResultSchema.parse(verify(path.resolve(file), { expectKey: options.expectKey }));
}
