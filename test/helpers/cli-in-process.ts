import { vi } from 'vitest';
import { main } from '../../src/main/server/program';

/**
 * Runs `calldeck <args>` in this process (the e2e suite runs the built binary) and returns its exit
 * code with what it wrote to stdout and stderr; the caller's exit code is left as it was.
 */
export async function runCliInProcess(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const collect = (into: (s: string) => void) => (chunk: string | Uint8Array) => {
    into(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(collect((s) => (stdout += s)));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(collect((s) => (stderr += s)));
  const before = process.exitCode;
  try {
    await main(['node', 'calldeck', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}
