import type { Command } from 'commander';
import path from 'node:path';
import {
  compareBundleWithChain,
  readBundleAuditRows,
  verifyAuditChain,
  verifyBundleFile,
  type BundleVerifyResult,
} from '../../core';
import { FileSecretStore } from '../file-secret-store';
import { SECRETS_FILE } from '../host-server';

export interface VerifyBundleOptions {
  json?: boolean;
  key?: string;
  /** Also compare the bundle's audit slice with this install's log (and verify that log with its key). */
  data?: string;
}

/** The install's side: its log still holds the bundle's rows, and its own chain verifies. */
async function againstInstall(
  file: string,
  dataDir: string,
  fingerprint: string | null,
): Promise<BundleVerifyResult['problems']> {
  const rows = await readBundleAuditRows(file);
  const problems = compareBundleWithChain(dataDir, rows, fingerprint).map((message) => ({
    code: 'install',
    message,
  }));
  // The headless host's key store; without the key, keyed rows are checked for order only.
  const key = new FileSecretStore(path.join(dataDir, SECRETS_FILE)).get('audit.key');
  const chain = verifyAuditChain(dataDir, key);
  if (!chain.ok)
    problems.push({
      code: 'install',
      message: `this install's audit log does not verify: row ${chain.brokenAt}: ${chain.reason}`,
    });
  return problems;
}

/**
 * `calldeck audit verify-bundle FILE.zip`: a pure data tool. It needs no data folder and builds no
 * core; it runs the same verify.mjs every bundle carries. With `--data DIR` it also reads that
 * install's log (read-only, as `calldeck audit verify`) and compares it with the bundle's slice. Exit 0 when the bundle holds, 1 naming
 * every problem (the first first), 2 when the file cannot be checked at all.
 */
export async function runVerifyBundleCommand(
  file: string,
  opts: VerifyBundleOptions,
  print: (line: string) => void,
): Promise<number> {
  const offline = await verifyBundleFile(file, { expectKey: opts.key });
  const install =
    opts.data && offline.problems.every((p) => p.code !== 'zip')
      ? await againstInstall(file, path.resolve(opts.data), offline.fingerprint)
      : [];
  const r = {
    ...offline,
    ok: offline.ok && install.length === 0,
    problems: [...offline.problems, ...install],
  };
  if (opts.json) print(JSON.stringify(r));
  else {
    const [first, ...more] = r.problems;
    if (!first) print(`Bundle OK: ${r.files} files match the signed manifest`);
    else {
      print(`Bundle FAILED: ${first.message}`);
      for (const p of more) print(`  also: ${p.message}`);
    }
    if (r.fingerprint)
      print(
        `Signed by key ${r.fingerprint}${opts.key ? '' : ' (compare it with the one CallDeck showed at export, or pass --key)'}`,
      );
    for (const w of r.warnings) print(`note: ${w}`);
  }
  return r.ok ? 0 : r.problems.some((p) => p.code === 'zip') ? 2 : 1;
}

/** Adds `verify-bundle` under `calldeck audit`. */
export function registerVerifyBundle(audit: Command): void {
  audit
    .command('verify-bundle <file>')
    .description(
      "check an audit bundle offline: its signature, every file's SHA-256, the audit slice's links; exits 1 naming what changed",
    )
    .option('--json', 'print the result as JSON')
    .option('--key <fingerprint>', 'the signing key fingerprint the bundle must carry (shown at export)')
    .option(
      '--data <dir>',
      "also check it against this install's data folder: its audit log still holds the bundle's rows and verifies",
    )
    .action(async (file: string, opts: VerifyBundleOptions) => {
      process.exitCode = await runVerifyBundleCommand(file, opts, (l) => process.stdout.write(l + '\n'));
    });
}
