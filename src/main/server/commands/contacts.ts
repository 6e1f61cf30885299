import { InvalidArgumentError, type Command } from 'commander';
import os from 'node:os';
import path from 'node:path';
import {
  createLogger,
  DATABASE_FILE,
  openAuditLog,
  openDatabase,
  stderrSink,
  type AuditLog,
} from '../../core';
import { FileSecretStore } from '../file-secret-store';
import { SECRETS_FILE } from '../host-server';
import {
  checkWritable,
  ContactsService,
  isImportError,
  type ImportProgress,
  type ImportSummary,
  type MappingOverride,
} from '../../core';
import type { ListSummary } from '../../../shared/contacts';
import { dataOption } from '../cli-options';
import type { RegisterCommands } from './index';

/** `calldeck import` and `calldeck lists`: contact lists from the command line. */

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

/** "phone=Mobile,name=Customer" → { phone: 'Mobile', name: 'Customer' }; "name=" means no name column. */
export function parseMap(value: string): MappingOverride {
  const out: MappingOverride = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    if (eq < 0 || (key !== 'phone' && key !== 'name'))
      throw new InvalidArgumentError('use phone=COLUMN[,name=COLUMN] (a column by header or #number)');
    if (key === 'phone') {
      if (!column) throw new InvalidArgumentError('phone= needs a column');
      out.phone = column;
    } else out.name = column === '' ? null : column;
  }
  return out;
}

const parseRow = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a row number (0 = no header row)');
  return n;
};

/** Opens the data folder's database with an audit log, runs fn, and always closes it. */
async function withService<T>(dataDir: string, fn: (s: ContactsService) => Promise<T> | T): Promise<T> {
  const dir = path.resolve(dataDir);
  const db = openDatabase(path.join(dir, DATABASE_FILE));
  let audit: AuditLog | undefined;
  try {
    const secrets = new FileSecretStore(path.join(dir, SECRETS_FILE));
    audit = openAuditLog(db, dir, secrets, { missingKey: 'refuse' });
    const log = audit;
    const actor = os.userInfo().username || 'cli';
    const service = new ContactsService({
      db,
      log: createLogger([stderrSink('warn')], 'warn', 'contacts'),
      actor,
      audit: (action, subject, payload) => log.append({ actor, action, subject, payload }),
    });
    return await fn(service);
  } finally {
    audit?.flush();
    db.close();
  }
}

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

/** Runs one import; returns the exit code (0 even with invalid rows, 1 when the file cannot be imported). */
export async function runImportCommand(
  file: string,
  opts: ImportCliOptions,
  print: (line: string) => void,
): Promise<number> {
  return withService(opts.data, async (service) => {
    try {
      // Checked first: a reject file that cannot be written must not leave the list half-done.
      if (opts.rejects) await checkWritable(path.resolve(opts.rejects), 'reject file');
      let lastShown = 0;
      const onProgress = (p: ImportProgress) => {
        if (opts.json || p.rows - lastShown < 100_000) return;
        lastShown = p.rows;
        process.stderr.write(`  … ${p.rows} rows (${p.rowsPerSecond}/s)\n`);
      };
      const s = await service.import(
        {
          file: path.resolve(file),
          listName: opts.list,
          sheet: opts.sheet,
          mapping: opts.map,
          headerRow: opts.headerRow,
          region: opts.region,
        },
        { onProgress },
      );
      if (opts.rejects) {
        try {
          await service.writeRejectFile(s.listId, path.resolve(opts.rejects));
        } catch (err) {
          // Checked above, so only a failure during the write (a full disk) gets here.
          const message = `List "${s.listName}" was saved (id ${s.listId}), but the reject file could not be written: ${err instanceof Error ? err.message : String(err)}`;
          if (opts.json) print(JSON.stringify({ error: { code: 'unwritable', message, listId: s.listId } }));
          else process.stderr.write(`calldeck: ${message}\n`);
          return 1;
        }
      }
      if (opts.json) {
        const rejects = [...service.rejects(s.listId)].map((r) => ({ row: r.row, reason: r.reason }));
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
            rejects,
            warnings: s.warnings,
          }),
        );
      } else humanSummary(s).forEach((l) => print(l));
      return 0;
    } catch (err) {
      if (!isImportError(err)) throw err;
      if (opts.json) print(JSON.stringify({ error: { code: err.code, message: err.message } }));
      else process.stderr.write(`calldeck: ${err.message}\n`);
      return 1;
    }
  });
}

export async function runListsCommand(
  opts: { data: string; json?: boolean },
  print: (line: string) => void,
): Promise<void> {
  await withService(opts.data, (service) => {
    const lists = service.lists();
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

/** Deletes one list with its contacts (audited); returns the exit code. */
export async function runDeleteListCommand(
  ref: string,
  opts: { data: string; json?: boolean },
  print: (line: string) => void,
): Promise<number> {
  return withService(opts.data, (service) => {
    const found = findList(service.lists(), ref);
    if (typeof found === 'string') {
      if (opts.json) print(JSON.stringify({ error: { code: 'not_found', message: found } }));
      else process.stderr.write(`calldeck: ${found}\n`);
      return 1;
    }
    service.deleteList(found.id);
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
    .option('--map <mapping>', 'columns to use, e.g. phone=Mobile,name=Customer', parseMap)
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
