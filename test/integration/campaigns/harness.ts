import path from 'node:path';
import { AuditTrail, MemorySecretStore, openAuditLog, openDatabase } from '../../../src/main/core';
import { CampaignsService } from '../../../src/main/core/campaigns';
import { CampaignsRepository, type Db } from '../../../src/main/core/store';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * The campaigns service on a real SQLite file in a temp dir, with the real audit log; lists are
 * written as an import leaves them (contact_lists + contacts rows).
 */
export function makeCampaignsHarness(options: { cpmLimit?: number; now?: () => Date } = {}) {
  const { dir, cleanup } = makeTempDir('calldeck-campaigns-');
  const db: Db = openDatabase(path.join(dir, 'calldeck.sqlite'));
  const auditLog = openAuditLog(db, dir, new MemorySecretStore());
  const trail = new AuditTrail(auditLog, () => undefined);
  const repo = new CampaignsRepository(db);
  let cpmLimit = options.cpmLimit ?? 60;
  const service = new CampaignsService({ repo, cpmLimit: () => cpmLimit, now: options.now });
  const scope = (action: string, subject = action) => trail.open({ actor: 'tester', action, subject });

  /** A list of `n` contacts (+9198000000NN); `invalid` rows and `dnc` numbers as an import marks them. */
  function addList(
    name: string,
    n: number,
    marks: { invalid?: number[]; dnc?: number[] } = {},
  ): {
    listId: number;
    contactIds: number[];
  } {
    const listId = Number(
      db
        .prepare(
          `INSERT INTO contact_lists (name, created_at, created_by, file_name, file_size, file_sha256, format,
             source, headers, mapping, region, data_rows, blank_rows)
           VALUES (?, ?, 'tester', 'x.csv', 1, 'sha', 'csv', '{}', '[]', '{}', 'IN', ?, 0)`,
        )
        .run(name, new Date().toISOString(), n).lastInsertRowid,
    );
    const insert = db.prepare(
      `INSERT INTO contacts (list_id, row_number, status, phone_raw, phone_e164, name, variables, dnc)
         VALUES (?, ?, ?, ?, ?, ?, '{}', ?)`,
    );
    const contactIds: number[] = [];
    for (let i = 1; i <= n; i++) {
      const number = `+91980${String(listId).padStart(2, '0')}${String(i).padStart(5, '0')}`;
      const invalid = marks.invalid?.includes(i) ?? false;
      const info = insert.run(
        listId,
        i,
        invalid ? 'invalid' : 'valid',
        number,
        invalid ? null : number,
        `Customer ${i}`,
        marks.dnc?.includes(i) ? 1 : 0,
      );
      contactIds.push(Number(info.lastInsertRowid));
    }
    return { listId, contactIds };
  }

  return {
    dir,
    db,
    repo,
    service,
    auditLog,
    scope,
    addList,
    setCpmLimit: (n: number) => (cpmLimit = n),
    cleanup: () => {
      db.close();
      cleanup();
    },
  };
}
