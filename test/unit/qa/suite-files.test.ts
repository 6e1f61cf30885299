import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSuite } from '../../../src/main/core/qa';
import {
  checkScenarioFile,
  saveScenarioFile,
  ScenarioFileError,
} from '../../../src/main/core/qa/suite-files';
import { makeTempDir } from '../../helpers/temp-dir';

const GOOD = `name: Confirm
steps:
  - say: yes I will come
    expect:
      says: confirmed
`;
const BAD = `name: Confirm
steps:
  - say: yes I will come
    expect:
      within_ms: soon
`;

describe('saving a scenario file from the QA page', () => {
  let root: { dir: string; cleanup: () => void };
  let suite: string;
  beforeEach(() => {
    root = makeTempDir('calldeck-qa-files-');
    suite = path.join(root.dir, 'suite');
    fs.mkdirSync(suite);
    fs.writeFileSync(path.join(suite, 'confirm.yaml'), GOOD);
  });
  afterEach(() => root.cleanup());

  const save = (over: Partial<Parameters<typeof saveScenarioFile>[0]>) =>
    saveScenarioFile({ dir: suite, file: 'confirm.yaml', text: GOOD, create: false, ...over });

  it('writes a valid scenario, which the suite then lists with its new text', async () => {
    const text = GOOD.replace('Confirm', 'Confirm the visit');
    const r = await save({ text });
    expect(r).toMatchObject({
      saved: true,
      problems: [],
      item: { file: 'confirm.yaml', name: 'Confirm the visit', steps: 1 },
    });
    const listed = await loadSuite(suite);
    expect(listed.detail.items.map((i) => [i.file, i.name])).toEqual([['confirm.yaml', 'Confirm the visit']]);
    // No temp file is left beside it.
    expect(fs.readdirSync(suite)).toEqual(['confirm.yaml']);
  });

  it('never writes an invalid scenario, and names the line and field of each problem', async () => {
    const r = await save({ text: BAD });
    expect(r.saved).toBe(false);
    expect(r.problems).toEqual([
      expect.objectContaining({ file: 'confirm.yaml', line: 5, field: 'steps[0].expect.within_ms' }),
    ]);
    expect(fs.readFileSync(path.join(suite, 'confirm.yaml'), 'utf8')).toBe(GOOD);
  });

  it('a check validates without writing, and only for a file the suite may hold', async () => {
    const text = GOOD.replace('Confirm', 'Changed');
    const r = await checkScenarioFile({ dir: suite, file: 'confirm.yaml', text });
    await expect(checkScenarioFile({ dir: suite, file: '../x.yaml', text })).rejects.toBeInstanceOf(
      ScenarioFileError,
    );
    expect(r).toMatchObject({ saved: false, problems: [], item: { name: 'Changed' } });
    expect(fs.readFileSync(path.join(suite, 'confirm.yaml'), 'utf8')).toBe(GOOD);
  });

  it('creates a new file, but a new file never overwrites one of the same name', async () => {
    expect((await save({ file: 'cancel.yml', create: true })).saved).toBe(true);
    expect(fs.existsSync(path.join(suite, 'cancel.yml'))).toBe(true);
    await expect(save({ file: 'confirm.yaml', create: true })).rejects.toThrow(/already exists/);
  });

  it('refuses any name that is not a bare scenario file inside the suite folder', async () => {
    for (const file of [
      '../outside.yaml',
      'sub/x.yaml',
      '/etc/x.yaml',
      '.hidden.yaml',
      'notes.txt',
      '..\\x.yaml',
    ]) {
      await expect(save({ file }), file).rejects.toBeInstanceOf(ScenarioFileError);
    }
    expect(fs.readdirSync(root.dir)).toEqual(['suite']);
    await expect(save({ dir: 'relative/suite' })).rejects.toThrow(/absolute/);
    await expect(save({ dir: path.join(root.dir, 'missing') })).rejects.toThrow(/no suite folder/);
    // A folder without scenarios is not a suite: nothing is started there.
    fs.mkdirSync(path.join(root.dir, 'empty'));
    await expect(save({ dir: path.join(root.dir, 'empty'), create: true })).rejects.toThrow(
      /not a suite folder/,
    );
    expect(fs.readdirSync(path.join(root.dir, 'empty'))).toEqual([]);
  });

  it('refuses to write through a symlink that points out of the suite', async () => {
    const outside = path.join(root.dir, 'outside.yaml');
    fs.writeFileSync(outside, 'x: 1\n');
    fs.symlinkSync(outside, path.join(suite, 'link.yaml'));
    await expect(save({ file: 'link.yaml' })).rejects.toThrow(/not a regular file/);
    expect(fs.readFileSync(outside, 'utf8')).toBe('x: 1\n');
  });
});
