// Child process of the import benchmark: imports one CSV and reports its own peak RSS, so the
// figure is the importer's alone (no test runner, no parent).
import fs from 'node:fs';
import path from 'node:path';
import { AuditTrail, MemorySecretStore, openAuditLog, openDatabase } from '../../src/main/core';
import { ContactsService } from '../../src/main/core/contacts';
import { silentLogger } from '../../src/main/core/logging';

async function main(): Promise<void> {
  const [file, dataDir] = process.argv.slice(2);
  if (!file || !dataDir) throw new Error('usage: rss-child FILE DATA_DIR');
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(path.join(dataDir, 'calldeck.sqlite'));
  const audit = openAuditLog(db, dataDir, new MemorySecretStore());
  const service = new ContactsService({ db, log: silentLogger, actor: 'bench' });
  // The import's audit path as in the app: a start row, and its end row with the list.
  const work = new AuditTrail(audit, () => undefined)
    .open({ actor: 'bench', action: 'contacts.startImport', subject: 'list:bench' })
    .begin();
  let peakDuring = 0;
  const started = Date.now();
  const s = await service.import(
    { file, listName: 'big' },
    { onProgress: () => (peakDuring = Math.max(peakDuring, process.memoryUsage().rss)) },
    work,
  );
  const ms = Date.now() - started;
  db.close();
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(
    JSON.stringify({ rows: s.rows, valid: s.valid, duplicates: s.duplicates, ms, maxRssKb }) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(String(err instanceof Error ? err.stack : err) + '\n');
  process.exit(1);
});
