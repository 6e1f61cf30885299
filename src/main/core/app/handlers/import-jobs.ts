import { randomUUID } from 'node:crypto';
import type { ImportProgress, MappingOverride } from '../../../../shared/contacts';
import type { EventBus } from '../../api';
import { isImportError, type ContactsService } from '../../contacts';
import type { StagedFiles } from '../../files';
import type { Logger } from '../../logging';

export interface StartImport {
  fileId: string;
  listName: string;
  region: string;
  sheet?: string;
  headerRow?: number;
  mapping?: MappingOverride;
}

/** Progress pushes are throttled: a million rows must not mean a million events. */
const PROGRESS_EVERY_MS = 100;

/**
 * Imports running in the background, one id each: progress and the outcome go out as events,
 * and each can be cancelled (the list is then not created at all).
 */
export class ImportJobs {
  private readonly jobs = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly contacts: ContactsService,
    private readonly files: StagedFiles,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {}

  start(req: StartImport): { importId: string } {
    const file = this.files.resolve(req.fileId);
    const importId = randomUUID();
    const controller = new AbortController();
    let lastEmit = 0;
    const onProgress = (progress: ImportProgress) => {
      const now = Date.now();
      if (now - lastEmit < PROGRESS_EVERY_MS) return;
      lastEmit = now;
      this.events.emit('contacts.importProgress', { importId, progress });
    };
    const done = this.contacts
      .import(
        {
          file: file.path,
          fileName: file.name,
          listName: req.listName,
          region: req.region,
          sheet: req.sheet,
          headerRow: req.headerRow,
          mapping: req.mapping,
        },
        { signal: controller.signal, onProgress },
      )
      .then(
        (summary) => {
          this.files.release(req.fileId);
          this.events.emit('contacts.importFinished', {
            importId,
            listName: req.listName,
            outcome: { ok: true, summary },
          });
          this.events.emit('contacts.listsChanged', {});
        },
        (err: unknown) => {
          const code = isImportError(err) ? err.code : 'internal';
          const message = err instanceof Error ? err.message : String(err);
          if (!isImportError(err)) this.log.error('import failed', { importId, err });
          else this.log.info('import did not complete', { importId, code, message });
          this.events.emit('contacts.importFinished', {
            importId,
            listName: req.listName,
            outcome: { ok: false, code, message },
          });
        },
      )
      .finally(() => {
        this.jobs.delete(importId);
      });
    this.jobs.set(importId, { controller, done });
    return { importId };
  }

  cancel(importId: string): { cancelled: boolean } {
    const job = this.jobs.get(importId);
    job?.controller.abort();
    return { cancelled: job !== undefined };
  }

  /** Cancels every running import and waits for each to roll back. */
  async stopAll(): Promise<void> {
    const running = [...this.jobs.values()];
    for (const j of running) j.controller.abort();
    await Promise.allSettled(running.map((j) => j.done));
  }
}
