import { InvalidArgumentError, type Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ApiEvents } from '../../../shared/api/events';
import {
  VariableName,
  type ContactsPage,
  type ImportOutcome,
  type ImportSummary,
  type ListSummary,
  type MappingOverride,
  type RejectCsv,
} from '../../../shared/contacts';
import { checkWritable, isImportError, type Core } from '../../core';
import { dataOption } from '../cli-options';
import { call, CliApiError, withCliCore } from '../cli-core';
import type { RegisterCommands } from './index';

/**
 * `calldeck import` and `calldeck lists`: contact lists from the command line. Each command builds
 * the core through the composition root (no public surface, no flite) and acts through
 * `core.invoke`, so it is validated, audited and announced exactly as the same action in the app.
 */

export interface ImportCliOptions {
  list: string;
  sheet?: string;
  map?: MappingOverride;
  headerRow?: number;
  region?: string;
  rejects?: string;
  data: string;
  json?: boolean;
}

const MAP_USAGE =
  'use phone=COLUMN[,name=COLUMN][,VARIABLE=COLUMN…] (a column by header or #number; a variable as the bot names it, e.g. appointment_day)';

/**
 * "phone=Mobile,name=Customer,appointment_day=Appt Day" → { phone: 'Mobile', name: 'Customer',
 * variables: { 'Appt Day': 'appointment_day' } }; "name=" means no name column.
 */
export function parseMap(value: string): MappingOverride {
  const out: MappingOverride = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    if (eq < 0 || key === '') throw new InvalidArgumentError(MAP_USAGE);
    if (key === 'phone') {
      if (!column) throw new InvalidArgumentError('phone= needs a column');
      out.phone = column;
    } else if (key === 'name') out.name = column === '' ? null : column;
    else {
      const name = VariableName.safeParse(key);
      if (!name.success)
        throw new InvalidArgumentError(`${key}: ${name.error.issues[0]?.message ?? MAP_USAGE}`);
      if (!column) throw new InvalidArgumentError(`${key}= needs a column`);
      out.variables = { ...out.variables, [column]: name.data };
    }
  }
  return out;
}

const parseRow = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a row number (0 = no header row)');
  return n;
};

function humanSummary(s: ImportSummary): string[] {
  return [
    `List "${s.listName}" (id ${s.listId}) from ${s.file.name}: ${s.rows} rows`,
    `  valid ${s.valid}  invalid ${s.invalid}  duplicates ${s.duplicates}  do-not-call ${s.dnc}  in other lists ${s.inOtherLists}`,
    `  phone column "${s.mapping.phone.header}"${s.mapping.name ? `, name column "${s.mapping.name.header}"` : ''}` +
      (s.mapping.variables.length
        ? `, variables ${s.mapping.variables.map((v) => `{{${v.key}}}`).join(' ')}`
        : ''),
    ...s.rejects.map((r) => `  row ${r.row}: ${r.reason}`),
    ...(s.rejectsTruncated ? ['  … more rejected rows: use --rejects FILE to write them all'] : []),
    ...s.warnings.map((w) => `  note: ${w}`),
  ];
}

/** Prints an error as the import command always has: a JSON object with --json, else a line on stderr. */
function printError(opts: { json?: boolean }, print: (line: string) => void, code: string, message: string) {
  if (opts.json) print(JSON.stringify({ error: { code, message } }));
  else process.stderr.write(`calldeck: ${message}\n`);
}

/** Starts the import through the Api and waits for its outcome event (progress on stderr). */
async function importThroughApi(core: Core, file: string, opts: ImportCliOptions): Promise<ImportOutcome> {
  const staged = core.stageFile(file);
  if (!staged.ok) return { ok: false, code: 'unreadable', message: staged.error.message };
  let importId: string | undefined;
  const early: ApiEvents['contacts.importFinished'][] = [];
  let lastShown = 0;
  let settle: (o: ImportOutcome) => void = () => undefined;
  const outcome = new Promise<ImportOutcome>((resolve) => (settle = resolve));
  const unsubscribe = core.subscribe((event, payload) => {
    if (event === 'contacts.importProgress') {
      const { progress } = payload as ApiEvents['contacts.importProgress'];
      if (opts.json || progress.rows - lastShown < 100_000) return;
      lastShown = progress.rows;
      process.stderr.write(`  … ${progress.rows} rows (${progress.rowsPerSecond}/s)\n`);
    }
    if (event !== 'contacts.importFinished') return;
    const finished = payload as ApiEvents['contacts.importFinished'];
    // The outcome may arrive before the start's reply: keep it until the id is known.
    if (importId === undefined) early.push(finished);
    else if (finished.importId === importId) settle(finished.outcome);
  });
  try {
    const started = await call<{ importId: string }>(core, 'contacts.startImport', {
      fileId: staged.value.id,
      listName: opts.list,
      sheet: opts.sheet,
      headerRow: opts.headerRow,
      mapping: opts.map,
      region: opts.region,
    });
    importId = started.importId;
    const already = early.find((f) => f.importId === importId);
    if (already) settle(already.outcome);
    return await outcome;
  } finally {
    unsubscribe();
  }
}

/** Every rejected row (invalid and duplicates) in file order, read through the Api. */
async function allRejects(core: Core, listId: number): Promise<{ row: number; reason: string }[]> {
  const out: { row: number; reason: string }[] = [];
  for (const status of ['invalid', 'duplicate'] as const) {
    let afterRow = 0;
    for (;;) {
      const page = await call<ContactsPage>(core, 'contacts.contacts', {
        listId,
        status,
        afterRow,
        limit: 5000,
      });
      for (const c of page.contacts) out.push({ row: c.row, reason: c.reason ?? '' });
      if (page.nextAfterRow === null) break;
      afterRow = page.nextAfterRow;
    }
  }
  return out.sort((a, b) => a.row - b.row);
}

/** Runs one import; returns the exit code (0 even with invalid rows, 1 when the file cannot be imported). */
export async function runImportCommand(
  file: string,
  opts: ImportCliOptions,
  print: (line: string) => void,
): Promise<number> {
  // Checked first: a reject file that cannot be written must not leave the list half-done.
  if (opts.rejects) {
    try {
      await checkWritable(path.resolve(opts.rejects), 'reject file');
    } catch (err) {
      if (!isImportError(err)) throw err;
      printError(opts, print, err.code, err.message);
      return 1;
    }
  }
  return withCliCore(opts.data, async (core) => {
    let outcome: ImportOutcome;
    try {
      outcome = await importThroughApi(core, path.resolve(file), opts);
    } catch (err) {
      if (!(err instanceof CliApiError)) throw err;
      printError(opts, print, err.code, err.message);
      return 1;
    }
    if (!outcome.ok) {
      printError(opts, print, outcome.code, outcome.message);
      return 1;
    }
    const s = outcome.summary;
    if (opts.rejects) {
      try {
        // The app's own reject file (an artifact under the data folder), copied where asked.
        const csv = await call<RejectCsv>(core, 'contacts.rejectCsv', { listId: s.listId });
        const served = await core.serveArtifact({ id: csv.artifact.id, download: true });
        if (served.status !== 200 || !served.body)
          throw new Error(served.text ?? `the reject file is not available (${served.status})`);
        await pipeline(served.body, fs.createWriteStream(path.resolve(opts.rejects), { mode: 0o600 }));
      } catch (err) {
        // Checked above, so only a failure during the write (a full disk) gets here.
        const message = `List "${s.listName}" was saved (id ${s.listId}), but the reject file could not be written: ${err instanceof Error ? err.message : String(err)}`;
        if (opts.json) print(JSON.stringify({ error: { code: 'unwritable', message, listId: s.listId } }));
        else process.stderr.write(`calldeck: ${message}\n`);
        return 1;
      }
    }
    if (opts.json) {
      const { listId, rows, valid, invalid, duplicates, dnc } = s;
      print(
        JSON.stringify({
          listId,
          rows,
          valid,
          invalid,
          duplicates,
          dnc,
          inOtherLists: s.inOtherLists,
          rejects: await allRejects(core, listId),
          warnings: s.warnings,
        }),
      );
    } else humanSummary(s).forEach((l) => print(l));
    return 0;
  });
}

export async function runListsCommand(
  opts: { data: string; json?: boolean },
  print: (line: string) => void,
): Promise<void> {
  await withCliCore(opts.data, async (core) => {
    const lists = await call<ListSummary[]>(core, 'contacts.lists');
    if (opts.json) return print(JSON.stringify(lists));
    if (lists.length === 0) return print('No lists yet. Import one with: calldeck import FILE --list NAME');
    for (const l of lists)
      print(
        `${l.id}\t${l.name}\t${l.rows} rows\tvalid ${l.valid}\tinvalid ${l.invalid}\tduplicates ${l.duplicates}\tdnc ${l.dnc}\t${l.file.name}`,
      );
  });
}

/**
 * Finds a list by id (digits) or by name (names are unique, case-insensitive). A reference that is
 * one list's id and another's name is refused rather than guessed.
 */
function findList(lists: readonly ListSummary[], ref: string): ListSummary | string {
  const byName = lists.find((l) => l.name.toLowerCase() === ref.trim().toLowerCase());
  const byId = /^\d+$/.test(ref.trim()) ? lists.find((l) => l.id === Number(ref)) : undefined;
  if (byName && byId && byName !== byId)
    return `"${ref}" is the id of list "${byId.name}" and the name of list ${byName.id}: use the id of the one to delete.`;
  return byId ?? byName ?? `No list with the id or name "${ref}".`;
}

/** Deletes one list with its contacts (audited by the Api); returns the exit code. */
export async function runDeleteListCommand(
  ref: string,
  opts: { data: string; json?: boolean },
  print: (line: string) => void,
): Promise<number> {
  return withCliCore(opts.data, async (core) => {
    const found = findList(await call<ListSummary[]>(core, 'contacts.lists'), ref);
    if (typeof found === 'string') {
      printError(opts, print, 'not_found', found);
      return 1;
    }
    try {
      await call(core, 'contacts.deleteList', { listId: found.id });
    } catch (err) {
      if (!(err instanceof CliApiError)) throw err;
      printError(opts, print, err.code, err.message);
      return 1;
    }
    if (opts.json) print(JSON.stringify({ deleted: { id: found.id, name: found.name, rows: found.rows } }));
    else print(`Deleted list "${found.name}" (id ${found.id}, ${found.rows} rows).`);
    return 0;
  });
}

export const registerContactsCommands: RegisterCommands = (program: Command) => {
  const print = (line: string) => process.stdout.write(line + '\n');
  dataOption(program.command('import <file>'))
    .description('import a CSV/XLSX contact list; every row is accounted for (valid, invalid, duplicate)')
    .requiredOption('--list <name>', 'name of the new list')
    .option('--sheet <sheet>', 'sheet name or number (spreadsheets; default: the first)')
    .option(
      '--map <mapping>',
      'columns to use, e.g. phone=Mobile,name=Customer,appointment_day="Appt Day" (a variable named as the bot knows it)',
      parseMap,
    )
    .option('--header-row <n>', 'row holding the headers (0 = none; default: detected)', parseRow)
    .option('--region <cc>', 'country for numbers without a country code', 'IN')
    .option('--rejects <file>', 'write rejected rows with reasons to this CSV')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: ImportCliOptions) => {
      process.exitCode = await runImportCommand(file, opts, print);
    });
  const lists = dataOption(program.command('lists'))
    .description('list the contact lists with their counts')
    .option('--json', 'print as JSON')
    .action((opts: { data: string; json?: boolean }) => runListsCommand(opts, print));
  // --data and --json are the `lists` command's: commander gives a parent's options to the parent
  // wherever they appear, so the subcommand reads them from there.
  lists
    .command('delete <list>')
    .description('delete a list (by id or name) with its contacts; recorded in the audit log')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ data: string; json?: boolean }>();
      process.exitCode = await runDeleteListCommand(ref, opts, print);
    });
};
