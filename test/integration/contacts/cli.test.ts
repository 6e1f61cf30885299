import { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../src/main/core';
import {
  parseMap,
  registerContactsCommands,
  runDeleteListCommand,
  runImportCommand,
  runListsCommand,
} from '../../../src/main/server/commands/contacts';
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
    expect(() => parseMap('Mobile No=x')).toThrow(/lower-case letters, digits and _/);
    expect(() => parseMap('Customer')).toThrow(/phone=COLUMN/);
  });

  it('names a column\'s variable as the bot knows it: --map appointment_day="Appt Day"', async () => {
    const file = path.join(dir, 'recall.csv');
    fs.writeFileSync(file, 'Customer,Mobile,Appt Day,Appt Time\nAsha,9876543210,Monday,ten\n');
    const data = path.join(dir, 'data');
    const map = parseMap('appointment_day=Appt Day,appointment_time=#4');
    expect(map).toEqual({ variables: { 'Appt Day': 'appointment_day', '#4': 'appointment_time' } });
    const out = await run((p) => runImportCommand(file, { list: 'Recall', data, json: true, map }, p));
    expect(out.result).toBe(0);
    const db = openDatabase(path.join(data, 'calldeck.sqlite'));
    try {
      const row = db.prepare('SELECT variables FROM contacts WHERE list_id = 1').get() as {
        variables: string;
      };
      expect(JSON.parse(row.variables)).toEqual({ appointment_day: 'Monday', appointment_time: 'ten' });
    } finally {
      db.close();
    }
    // A variable name for the phone column is refused, naming the column; nothing is imported.
    const bad = await run((p) =>
      runImportCommand(file, { list: 'Bad', data, json: true, map: parseMap('mobile=Mobile') }, p),
    );
    expect(bad.result).toBe(1);
    expect(JSON.parse(bad.lines[0]!)).toMatchObject({
      error: {
        code: 'bad_mapping',
        message: 'Column "Mobile" is the phone column: it cannot also be the variable {{mobile}}.',
      },
    });
  });

  it('refuses __proto__, constructor and prototype as a variable name (--map, and the mapping through the Api): the value would be lost or shadow an object key', async () => {
    const file = path.join(dir, 'recall.csv');
    fs.writeFileSync(file, 'Customer,Mobile,Appt Day\nAsha,9876543210,Monday\n');
    const data = path.join(dir, 'data');
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(() => parseMap(`${key}=Appt Day`)).toThrow(/are not variable names/);
      // The Api's own edge, as the page sends it (the CLI's parseMap is not on that path).
      const out = await run((p) =>
        runImportCommand(
          file,
          { list: `L-${key}`, data, json: true, map: { variables: { 'Appt Day': key } } },
          p,
        ),
      );
      expect(out.result).toBe(1);
      expect(out.lines[0]).toMatch(/are not variable names/);
    }
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

  it('refuses an unknown --region with the message Settings gives, naming it, and saves nothing', async () => {
    const file = path.join(dir, 'crm.csv');
    fs.writeFileSync(file, CRM_ROWS.map((r) => r.join(',')).join('\n'));
    const data = path.join(dir, 'data');
    const out = await run((p) =>
      runImportCommand(file, { list: 'March', data, json: true, region: 'ZZ' }, p),
    );
    expect(out.result).toBe(1);
    expect(JSON.parse(out.lines[0]!)).toMatchObject({
      error: {
        message: expect.stringContaining('Unknown country code ZZ: use one such as IN, US or GB') as unknown,
      },
    });
    const lists = await run((p) => runListsCommand({ data, json: true }, p));
    expect(JSON.parse(lists.lines[0]!)).toEqual([]);
  });

  it('deletes a list by id or by name, audited, and refuses an unknown or ambiguous one', async () => {
    const file = path.join(dir, 'crm.csv');
    fs.writeFileSync(file, CRM_ROWS.map((r) => r.join(',')).join('\n'));
    const data = path.join(dir, 'data');
    for (const list of ['March', 'April', '1'])
      expect((await run((p) => runImportCommand(file, { list, data, json: true }, p))).result).toBe(0);

    const byName = await run((p) => runDeleteListCommand('march', { data }, p));
    expect(byName).toEqual({ result: 0, lines: ['Deleted list "March" (id 1, 7 rows).'] });
    // "1" is now only a name (list 1 is gone); "2" is an id.
    const byId = await run((p) => runDeleteListCommand('2', { data, json: true }, p));
    expect(JSON.parse(byId.lines[0]!)).toEqual({ deleted: { id: 2, name: 'April', rows: 7 } });
    const unknown = await run((p) => runDeleteListCommand('May', { data, json: true }, p));
    expect(unknown.result).toBe(1);
    expect(JSON.parse(unknown.lines[0]!)).toEqual({
      error: { code: 'not_found', message: 'No list with the id or name "May".' },
    });
    const lists = await run((p) => runListsCommand({ data, json: true }, p));
    expect((JSON.parse(lists.lines[0]!) as { name: string }[]).map((l) => l.name)).toEqual(['1']);

    const db = openDatabase(path.join(data, 'calldeck.sqlite'));
    const audited = db
      .prepare("SELECT subject, payload FROM audit_log WHERE action = 'contacts.deleteList' ORDER BY seq")
      .all();
    const contacts = db.prepare('SELECT COUNT(*) FROM contacts WHERE list_id IN (1, 2)').pluck().get();
    db.close();
    expect(audited).toEqual([
      {
        subject: 'list:1',
        payload: JSON.stringify({ outcome: 'ok', request: { listId: 1 }, name: 'March' }),
      },
      {
        subject: 'list:2',
        payload: JSON.stringify({ outcome: 'ok', request: { listId: 2 }, name: 'April' }),
      },
    ]);
    expect(contacts).toBe(0);

    // A name that is also another list's id is ambiguous: refused, nothing deleted.
    expect((await run((p) => runImportCommand(file, { list: '3', data, json: true }, p))).result).toBe(0);
    const ambiguous = await run((p) => runDeleteListCommand('3', { data }, p));
    expect(ambiguous.result).toBe(1);
  });

  it('`calldeck lists delete` reads --data and --json wherever they are on the command line', async () => {
    const file = path.join(dir, 'crm.csv');
    fs.writeFileSync(file, CRM_ROWS.map((r) => r.join(',')).join('\n'));
    const data = path.join(dir, 'data');
    await run((p) => runImportCommand(file, { list: 'March', data, json: true }, p));
    const program = new Command('calldeck').exitOverride();
    registerContactsCommands(program);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(['lists', 'delete', 'March', '--data', data, '--json'], { from: 'user' });
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }
    expect(written).toEqual([JSON.stringify({ deleted: { id: 1, name: 'March', rows: 7 } }) + '\n']);
  });

  it('registers `import` and `lists` on the program', () => {
    const program = new Command('calldeck');
    registerContactsCommands(program);
    expect(program.commands.map((c) => c.name())).toEqual(['import', 'lists']);
    const opts = program.commands[0]!.options.map((o) => o.long);
    expect(opts).toEqual(expect.arrayContaining(['--list', '--sheet', '--map', '--data', '--json']));
    expect(program.commands[1]!.commands.map((c) => c.name())).toEqual(['delete']);
  });
});
