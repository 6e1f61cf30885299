import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'bin', 'calldeck.js');

/** Fails fast with a clear message when e2e tests run before `npm run build`. */
export function assertBuilt(): void {
  for (const f of ['out/main/cli.js', 'out/renderer/index.html']) {
    if (!fs.existsSync(path.join(ROOT, f)))
      throw new Error(`${f} is missing: run \`npm run build\` before e2e tests`);
  }
}

export interface ServeProcess {
  pid: number;
  url: string;
  origin: string;
  token: string;
  output: () => string;
  stop: () => Promise<number | null>;
  /** Sends a signal (SIGKILL: a crash, no shutdown code runs) and waits for the exit. */
  kill: (signal: NodeJS.Signals) => Promise<NodeJS.Signals | null>;
}

/**
 * Starts the real `calldeck serve` and waits (bounded) for the line announcing its URL. `node`
 * options (e.g. `--require` of a test's preload) go before the CLI; `env` is added to the test's.
 */
export async function startServe(
  args: string[],
  timeoutMs = 30_000,
  o: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<ServeProcess> {
  assertBuilt();
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [...(o.nodeArgs ?? []), CLI, 'serve', ...args],
    { cwd: ROOT, env: { ...process.env, ...o.env } },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`calldeck serve did not start in time:\n${out}`)),
      timeoutMs,
    );
    const check = () => {
      const m = /CallDeck is running at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`calldeck serve exited with ${code}:\n${out}`));
    });
  });
  const parsed = new URL(url);
  return {
    pid: child.pid ?? 0,
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    output: () => out,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.signalCode);
        child.once('exit', (_code, sig) => resolve(sig));
        child.kill(signal);
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

/** `calldeck serve` on `dir`/data with the sandbox's callees from `calleesYaml` (written to `dir`). */
export function startSandboxServe(dir: string, calleesYaml: string): Promise<ServeProcess> {
  const script = path.join(dir, 'callees.yaml');
  fs.writeFileSync(script, calleesYaml);
  return startServe(['--data', path.join(dir, 'data'), '--port', '0', '--sandbox-script', script]);
}

/** Runs the real `calldeck` CLI to completion. */
export function runCli(
  args: string[],
  opts: { closeStdout?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
    // A reader that goes away before the output (`calldeck lists | head -1`).
    if (opts.closeStdout) child.stdout.destroy();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One bridge connection of the test's own to a `calldeck serve`: invoke contract methods, get their results. */
export async function bridgeClient(serve: Pick<ServeProcess, 'origin' | 'token'>) {
  const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/bridge?token=${serve.token}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 1;
  const call = <T>(channel: string, request: unknown) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      const onMessage = (d: Buffer) => {
        const f = JSON.parse(d.toString()) as {
          type: string;
          id?: number;
          result?: { ok: boolean; value?: unknown; error?: { message: string } };
        };
        if (f.type !== 'result' || f.id !== id) return;
        ws.off('message', onMessage);
        if (f.result?.ok) resolve(f.result.value as T);
        else reject(new Error(`${channel}: ${f.result?.error?.message ?? 'failed'}`));
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ type: 'invoke', id, channel, request }));
    });
  return { call, close: () => ws.close() };
}
