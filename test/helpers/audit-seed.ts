import path from 'node:path';
import { openAuditLog, type AuditLog } from '../../src/main/core/reports';
import { openDatabase } from '../../src/main/core/store';
import { FileSecretStore } from '../../src/main/server';

/**
 * Appends `rows` audit rows to a data folder's log through the real AuditLog (its key from the
 * folder's secrets.json, as `calldeck serve` keeps it), `batch` rows per transaction, then anchors
 * the head: the same chain the app writes, a call's worth of actions at a time, only faster.
 */
export function seedAuditRows(
  dataDir: string,
  databaseFile: string,
  rows: number,
  o: {
    batch?: number;
    onBatch?: (done: number) => void;
    /** The i-th row's subject (default `call:<i>`), e.g. a campaign's creation as the first row. */
    subject?: (i: number) => string;
  } = {},
): void {
  const db = openDatabase(databaseFile);
  try {
    const audit: AuditLog = openAuditLog(
      db,
      dataDir,
      new FileSecretStore(path.join(dataDir, 'secrets.json')),
      {
        missingKey: 'refuse',
      },
    );
    const batch = o.batch ?? 10_000;
    for (let done = 0; done < rows;) {
      const n = Math.min(batch, rows - done);
      db.transaction(() => {
        for (let i = 0; i < n; i++)
          audit.append({
            actor: 'dialer',
            action: 'calls.status',
            subject: o.subject?.(done + i) ?? `call:${done + i}`,
            payload: { outcome: 'ok', status: 'completed', durationS: (done + i) % 300 },
          });
      })();
      audit.flush();
      done += n;
      o.onBatch?.(done);
    }
  } finally {
    db.close();
  }
}
