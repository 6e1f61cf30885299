import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { ArtifactKind, ArtifactRef } from '../../../shared/artifacts';
import type { Logger } from '../logging';
import type { ArtifactRow, ArtifactsRepository } from '../store';
import { relativeInside, resolveInside } from './safe-path';

export interface NewArtifact {
  kind: ArtifactKind;
  /** Absolute path of the file; it must be inside the data folder. */
  path: string;
  /** File name offered for downloads. */
  name: string;
  mime: string;
  /** What the file belongs to: `voicebot_session:<id>`, `list:<id>`, a job id. */
  owner?: string | null;
  sha256?: string | null;
}

export const toRef = (row: ArtifactRow): ArtifactRef => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  mime: row.mime,
  size: row.size,
  createdAt: row.createdAt,
});

/**
 * The register of files the app produced. Producers register a file they wrote under the data
 * folder; hosts resolve an id to the file (see serve.ts). Nothing here takes a path from the page.
 */
export class Artifacts {
  constructor(
    private readonly repo: ArtifactsRepository,
    readonly dataDir: string,
    private readonly log: Logger,
  ) {}

  /** Registers a file (again: the same path keeps its id and gets the new size and name). */
  register(a: NewArtifact): ArtifactRef {
    const relPath = relativeInside(this.dataDir, a.path);
    const stat = fs.lstatSync(a.path);
    if (!stat.isFile()) throw new Error(`Artifact ${a.path} is not a regular file`);
    const row = this.repo.upsert({
      id: randomUUID(),
      kind: a.kind,
      name: a.name,
      mime: a.mime,
      size: stat.size,
      sha256: a.sha256 ?? null,
      relPath,
      owner: a.owner ?? null,
      createdAt: new Date().toISOString(),
    });
    return toRef(row);
  }

  get(id: string): ArtifactRow | undefined {
    return this.repo.get(id);
  }

  byOwner(owner: string): ArtifactRef[] {
    return this.repo.byOwner(owner).map(toRef);
  }

  /** The file of an artifact (checked: inside the data folder, no links), or undefined when gone. */
  filePath(row: ArtifactRow): string | undefined {
    return resolveInside(this.dataDir, row.relPath);
  }

  /** Deletes the artifact's row and its file. */
  async remove(id: string): Promise<void> {
    const row = this.repo.get(id);
    if (!row) return;
    this.repo.remove(id);
    try {
      const file = this.filePath(row);
      if (file) await fs.promises.rm(file, { force: true });
    } catch (err) {
      this.log.warn('artifact file not removed', { id, err });
    }
  }
}
