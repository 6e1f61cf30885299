import type { ArtifactKind } from '../../../shared/artifacts';
import type { Db } from './database';

export interface ArtifactRow {
  id: string;
  kind: ArtifactKind;
  name: string;
  mime: string;
  size: number;
  sha256: string | null;
  /** Relative to the data folder, `/`-separated. */
  relPath: string;
  owner: string | null;
  createdAt: string;
}

const COLUMNS = `id, kind, name, mime, size, sha256, rel_path AS relPath, owner, created_at AS createdAt`;

/** The artifacts table: one row per produced file. */
export class ArtifactsRepository {
  constructor(private readonly db: Db) {}

  /** Inserts, or refreshes the row already registered for the same path (its id is kept). */
  upsert(row: ArtifactRow): ArtifactRow {
    this.db
      .prepare(
        `INSERT INTO artifacts (id, kind, name, mime, size, sha256, rel_path, owner, created_at)
         VALUES (@id, @kind, @name, @mime, @size, @sha256, @relPath, @owner, @createdAt)
         ON CONFLICT (rel_path) DO UPDATE SET kind = excluded.kind, name = excluded.name,
           mime = excluded.mime, size = excluded.size, sha256 = excluded.sha256, owner = excluded.owner`,
      )
      .run(row);
    return this.byPath(row.relPath) ?? row;
  }

  get(id: string): ArtifactRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM artifacts WHERE id = ?`).get(id) as
      ArtifactRow | undefined;
  }

  byPath(relPath: string): ArtifactRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM artifacts WHERE rel_path = ?`).get(relPath) as
      ArtifactRow | undefined;
  }

  byOwner(owner: string): ArtifactRow[] {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM artifacts WHERE owner = ? ORDER BY created_at, id`)
      .all(owner) as ArtifactRow[];
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM artifacts WHERE id = ?').run(id);
  }
}
