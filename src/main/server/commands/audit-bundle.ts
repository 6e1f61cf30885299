import type { Command } from 'commander';
import { verifyBundleFile } from '../../core';

export interface VerifyBundleOptions {
  json?: boolean;
  key?: string;
}

/**
 * `calldeck audit verify-bundle FILE.zip`: a pure data tool. It needs no data folder and builds no
 * core; it runs the same verify.mjs every bundle carries. Exit 0 when the bundle holds, 1 naming
 * every problem (the first first), 2 when the file cannot be checked at all.
 */
export async function runVerifyBundleCommand(
  file: string,
  opts: VerifyBundleOptions,
  print: (line: string) => void,
): Promise<number> {
  const r = await verifyBundleFile(file, { expectKey: opts.key });
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
    .action(async (file: string, opts: VerifyBundleOptions) => {
      process.exitCode = await runVerifyBundleCommand(file, opts, (l) => process.stdout.write(l + '\n'));
    });
}
