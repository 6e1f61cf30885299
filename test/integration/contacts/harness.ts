import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import * as XLSX from 'xlsx';
import { AuditTrail, MemorySecretStore, openAuditLog, openDatabase } from '../../../src/main/core';
import {
  ContactsService,
  type DncAddRequest,
  type ImportControl,
  type ImportRequest,
} from '../../../src/main/core/contacts';
import { silentLogger } from '../../../src/main/core/logging';
import type { Db } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * The contacts service as the Api's handlers drive it: each change in an audit scope of the same
 * action and subject the dispatcher opens (tests call `service.import(req)` as before).
 */
function audited(contacts: ContactsService, trail: AuditTrail) {
  const scope = (action: string, subject: string, request?: unknown) =>
    trail.open({ actor: 'tester', action, subject, request });
  return {
    service: contacts,
    contacts: contacts.contacts.bind(contacts),
    preview: contacts.preview.bind(contacts),
    lists: contacts.lists.bind(contacts),
    list: contacts.list.bind(contacts),
    rejects: contacts.rejects.bind(contacts),
    writeRejectFile: contacts.writeRejectFile.bind(contacts),
    import: (req: ImportRequest, control: ImportControl = {}) =>
      contacts.import(req, control, scope('contacts.startImport', `list:${req.listName}`, req).begin()),
    deleteList: (id: number) => contacts.deleteList(id, scope('contacts.deleteList', `list:${id}`)),
    dnc: {
      list: contacts.dnc.list.bind(contacts.dnc),
      has: contacts.dnc.has.bind(contacts.dnc),
      add: (req: DncAddRequest, source?: string) =>
        contacts.dnc.add(req, scope('dnc.add', 'dnc', req), source),
      remove: (phones: string[], region?: string) =>
        contacts.dnc.remove(phones, scope('dnc.remove', 'dnc', { phones }), region),
      importFile: (opts: Parameters<ContactsService['dnc']['importFile']>[0]) =>
        contacts.dnc.importFile(opts, scope('dnc.importFile', 'dnc', opts)),
    },
  };
}

/** A contacts service on a real database file in a temp dir, plus helpers writing real files. */
export function makeHarness() {
  const { dir, cleanup } = makeTempDir('calldeck-contacts-');
  const db: Db = openDatabase(path.join(dir, 'calldeck.sqlite'));
  const auditLog = openAuditLog(db, dir, new MemorySecretStore());
  const service = audited(
    new ContactsService({ db, log: silentLogger, actor: 'tester' }),
    new AuditTrail(auditLog, () => undefined),
  );
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  return {
    dir,
    db,
    service,
    auditLog,
    file,
    csv: (name: string, rows: string[][], delimiter = ',', encoding = 'utf8', bom = false) => {
      const text = rows.map((r) => r.join(delimiter)).join('\r\n') + '\r\n';
      const body =
        encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, encoding, { addBOM: bom });
      return file(
        name,
        encoding === 'utf8' && bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body,
      );
    },
    workbook: (name: string, sheets: Record<string, unknown[][]>, bookType: XLSX.BookType = 'xlsx') => {
      const wb = XLSX.utils.book_new();
      for (const [sheet, aoa] of Object.entries(sheets))
        XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), sheet);
      return file(name, XLSX.write(wb, { type: 'buffer', bookType }) as Buffer);
    },
    stagingFiles: () => fs.readdirSync(path.join(dir, 'tmp')),
    close: () => {
      db.close();
      cleanup();
    },
  };
}

export type Harness = ReturnType<typeof makeHarness>;

/** A typical CRM export: mixed good and bad numbers, a duplicate, extra columns. */
export const CRM_ROWS: string[][] = [
  ['Customer Name', 'Mobile', 'Loan ID', 'State', 'Language'],
  ['Asha Rao', '9876543210', 'L-1001', 'KA', 'kn'],
  ['Ravi Kumar', '+91 98765-43211', 'L-1002', 'TN', 'ta'],
  ['Meena', '09876543212', 'L-1003', 'MH', 'mr'],
  ['Short', '987654321', 'L-1004', 'KA', 'kn'],
  ['Asha again', '919876543210', 'L-1005', 'KA', 'kn'],
  ['No phone', '', 'L-1006', 'DL', 'hi'],
  ['Office', '(080) 2345 6789', 'L-1007', 'KA', 'en'],
];
