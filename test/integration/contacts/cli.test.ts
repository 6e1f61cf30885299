import { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMap, runImportCommand, runListsCommand } from '../../../src/main/server/commands/contacts';
import { makeTempDir } from '../../helpers/temp-dir';
import { CRM_ROWS } from './harness';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = makeTempDir('calldeck-cli-'));
});
afterEach(() => cleanup());

const run = async (fn: (print: (l: string) => void) => Promise<unknown>) => {
  const lines: string[] = [];
  const result = await fn((l) => lines.push(l));
  return { result, lines };
};

describe('calldeck import / lists', () => {
  it('prints the JSON summary with every reject and exits 0 despite invalid rows', async () => {
    const file = path.join(dir, 'crm.csv');
    fs.writeFileSync(file, CRM_ROWS.map((r) => r.join(',')).join('\n'));
    const data = path.join(dir, 'data');
    const out = await run((p) =>
      runImportCommand(file, { list: 'March', data, json: true, rejects: path.join(dir, 'r.csv') }, p),
    );
    expect(out.result).toBe(0);
    const summary = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(summary).toMatchObject({ listId: 1, rows: 7, valid: 4, invalid: 2, duplicates: 1, dnc: 0 });
    expect(summary.rejects).toEqual([
      { row: 5, reason: '9 digits: too short for an Indian mobile' },
      { row: 6, reason: 'duplicate of row 2' },
      { row: 7, reason: 'empty phone' },
    ]);
    expect(fs.readFileSync(path.join(dir, 'r.csv'), 'utf8').trim().split('\r\n')).toHaveLength(4);
    const lists = await run((p) => runListsCommand({ data, json: true }, p));
    expect(JSON.parse(lists.lines[0]!)).toMatchObject([{ id: 1, name: 'March', rows: 7, valid: 4 }]);
    const text = await run((p) => runListsCommand({ data }, p));
    expect(text.lines[0]).toMatch(/^1\tMarch\t7 rows\tvalid 4/);
  });

  it('uses --map and --sheet, and exits non-zero when the file cannot be read', async () => {
    const file = path.join(dir, 'm.csv');
    fs.writeFileSync(file, 'Customer,Mobile,Other\nA,123,9876543210\n');
    const data = path.join(dir, 'data');
    const opts = { list: 'm', data, json: true, map: parseMap('phone=Other,name=Customer') };
    const ok = await run((p) => runImportCommand(file, opts, p));
    expect(JSON.parse(ok.lines[0]!)).toMatchObject({ valid: 1, invalid: 0 });
    const bad = await run((p) =>
      runImportCommand(path.join(dir, 'nope.csv'), { list: 'x', data, json: true }, p),
    );
    expect(bad.result).toBe(1);
    expect(JSON.parse(bad.lines[0]!)).toMatchObject({ error: { code: 'unreadable' } });
    expect(parseMap('phone=#2,name=')).toEqual({ phone: '#2', name: null });
    expect(() => parseMap('mobile=x')).toThrow(/phone=COLUMN/);
  });

  it('checks that --rejects can be written before importing: a clear error, nothing saved', async () => {
    const file = path.join(dir, 'crm.csv');
    fs.writeFileSync(file, CRM_ROWS.map((r) => r.join(',')).join('\n'));
    const data = path.join(dir, 'data');
    const missing = path.join(dir, 'no-such-folder', 'r.csv');
    const out = await run((p) =>
      runImportCommand(file, { list: 'March', data, json: true, rejects: missing }, p),
    );
    expect(out.result).toBe(1);
    expect(JSON.parse(out.lines[0]!)).toEqual({
      error: {
        code: 'unwritable',
        message: `Cannot write the reject file ${missing}: the folder ${path.dirname(missing)} does not exist. Nothing was imported.`,
      },
    });
    const folder = await run((p) =>
      runImportCommand(file, { list: 'March', data, json: true, rejects: dir }, p),
    );
    expect(JSON.parse(folder.lines[0]!)).toMatchObject({
      error: { code: 'unwritable', message: expect.stringMatching(/is a folder/) as unknown },
    });
    const lists = await run((p) => runListsCommand({ data, json: true }, p));
    expect(JSON.parse(lists.lines[0]!)).toEqual([]);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('registers `import` and `lists` on the program', async () => {
    const { registerContactsCommands } = await import('../../../src/main/server/commands/contacts');
    const program = new Command('calldeck');
    registerContactsCommands(program);
    expect(program.commands.map((c) => c.name())).toEqual(['import', 'lists']);
    const opts = program.commands[0]!.options.map((o) => o.long);
    expect(opts).toEqual(expect.arrayContaining(['--list', '--sheet', '--map', '--data', '--json']));
  });
});
