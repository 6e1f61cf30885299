import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/temp-dir';

// The built `calldeck` piped into a reader that stops early (`calldeck import … | head -1`): the
// command's work is done and kept, and the closed pipe is not a crash with a stack trace.
describe('calldeck output into a closed pipe (built binary)', () => {
  let dir: string;
  let cleanup = () => {};
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('calldeck-e2e-pipe-'));
  });
  afterAll(() => cleanup());

  it('import and lists end quietly with their own exit code, and the import is kept', async () => {
    const data = path.join(dir, 'data');
    const csv = path.join(dir, 'list.csv');
    fs.writeFileSync(csv, 'phone,name\n9876543210,Asha\n12,Short\n');
    const imported = await runCli(['import', csv, '--list', 'Piped', '--data', data], { closeStdout: true });
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    const lists = await runCli(['lists', '--data', data], { closeStdout: true });
    expect(lists).toMatchObject({ code: 0, stderr: '' });
    const json = await runCli(['lists', '--data', data, '--json']);
    expect((JSON.parse(json.stdout) as { name: string }[]).map((l) => l.name)).toEqual(['Piped']);
  });
});
