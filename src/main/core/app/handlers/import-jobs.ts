import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import {
  MappingOverrideSchema,
  type ImportProgress,
  type ImportSummary,
  type MappingOverride,
} from '../../../../shared/contacts';
import type { EventBus } from '../../api';
import { isImportError, type ContactsService } from '../../contacts';
import type { StagedFiles } from '../../files';
import { JobError, type JobEngine, type JobKind, type RecordedJob } from '../../jobs';
import type { Logger } from '../../logging';
import { JobAuditStartSchema, type AuditTrail } from '../../reports';
import type { AuditFollowUp, AuditScope } from '../../store';

export interface StartImport {
  fileId: string;
  listName: string;
  region: string;
  sheet?: string;
  headerRow?: number;
  mapping?: MappingOverride;
}

/** What an import job stores: enough to say what it was, never needed again (imports do not resume). */
const ImportJobInput = z
  .object({
    fileId: z.string(),
    filePath: z.string(),
    fileName: z.string(),
    listName: z.string(),
    region: z.string(),
    sheet: z.string().optional(),
    headerRow: z.number().int().optional(),
    mapping: MappingOverrideSchema.optional(),
    /** The startImport action's start row: a restart after a crash closes it as interrupted. */
    audit: JobAuditStartSchema.optional(),
  })
  .strict();
type ImportJobInput = z.infer<typeof ImportJobInput>;

/** The list page's own pushes (rows/s, valid and invalid so far) keep their pace: one per 100 ms. */
const IMPORT_PROGRESS_EVERY_MS = 100;

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-IN')} ${n === 1 ? one : many}`;

/**
 * The contact import as a job kind: progress is the file's bytes read, the result the import's
 * summary. The list page keeps its `contacts.import*` events (its wizard shows rows/s and counts);
 * the Jobs tray follows `job.updated`. An import cut short by a stop is rolled back whole, so a
 * restart marks it interrupted instead of resuming it.
 */
function importKind(
  contacts: ContactsService,
  files: StagedFiles,
  events: EventBus,
  log: Logger,
  trail: AuditTrail,
): JobKind<ImportJobInput, ImportSummary, AuditFollowUp> {
  return {
    name: 'contacts.import',
    unit: 'bytes',
    restart: {
      action: 'interrupt',
      reason:
        'CallDeck stopped during this import. An unfinished import is rolled back, so no list was saved: import the file again.',
    },
    input: ImportJobInput,
    async run(input, ctx, audit) {
      if (!audit) throw new JobError('internal', 'An import must be started through the Api');
      const importId = ctx.id;
      let lastEmit = 0;
      const onProgress = (progress: ImportProgress) => {
        ctx.progress({
          done: progress.bytesRead,
          total: progress.totalBytes > 0 ? progress.totalBytes : null,
          note:
            progress.phase === 'saving'
              ? `saving ${plural(progress.rows, 'row')}`
              : `${plural(progress.rows, 'row')} read`,
        });
        const now = Date.now();
        if (now - lastEmit < IMPORT_PROGRESS_EVERY_MS) return;
        lastEmit = now;
        events.emit('contacts.importProgress', { importId, progress });
      };
      try {
        const summary = await contacts.import(
          {
            file: input.filePath,
            fileName: input.fileName,
            listName: input.listName,
            region: input.region,
            sheet: input.sheet,
            headerRow: input.headerRow,
            mapping: input.mapping,
          },
          { signal: ctx.signal, onProgress },
          audit,
        );
        files.release(input.fileId);
        events.emit('contacts.importFinished', {
          importId,
          listName: input.listName,
          outcome: { ok: true, summary },
        });
        events.emit('contacts.listsChanged', {});
        return summary;
      } catch (err) {
        const code = isImportError(err) ? err.code : 'internal';
        const message = err instanceof Error ? err.message : String(err);
        if (isImportError(err)) log.info('import did not complete', { importId, code, message });
        events.emit('contacts.importFinished', {
          importId,
          listName: input.listName,
          outcome: { ok: false, code, message },
        });
        throw err;
      }
    },
    summarize: (s) =>
      `${plural(s.valid, 'valid row')}, ${plural(s.invalid, 'invalid', 'invalid')}, ${plural(s.duplicates, 'duplicate')}`,
    failure: (err) => (isImportError(err) ? { code: err.code, message: err.message } : undefined),
    // A crash left the action's start row without its end: the end says why, linked to the start.
    interrupted: (input, reason) => {
      if (!input.audit) return;
      trail.endInterrupted(input.audit, reason);
    },
  };
}

/** Imports started from the Api, run as jobs: the import id is the job id. */
export class ImportJobs {
  private readonly kind: ReturnType<typeof importKind>;

  constructor(
    private readonly jobs: JobEngine,
    contacts: ContactsService,
    private readonly files: StagedFiles,
    events: EventBus,
    log: Logger,
    trail: AuditTrail,
  ) {
    this.kind = importKind(contacts, files, events, log, trail);
    jobs.register(this.kind);
  }

  /** `audit` is the startImport action's scope: its start row now, its end row when the import ends. */
  start(req: StartImport, audit: AuditScope, actor: string): { importId: string } {
    const file = this.files.resolve(req.fileId);
    // Chosen here so the audit's start row can name it.
    const importId = randomUUID();
    let recorded: RecordedJob<ImportJobInput, ImportSummary, AuditFollowUp> | undefined;
    // The start row and the job's row commit together: a crash between them would leave a start
    // row that no restart could close (the restart closes it from the job's row).
    const work = audit.begin({ importId, file: file.name }, (startSeq) => {
      recorded = this.jobs.record(
        this.kind,
        {
          fileId: req.fileId,
          filePath: file.path,
          fileName: file.name,
          listName: req.listName,
          region: req.region,
          sheet: req.sheet,
          headerRow: req.headerRow,
          mapping: req.mapping,
          audit: { startSeq, actor: audit.actor, action: audit.action, subject: audit.subject },
        },
        {
          id: importId,
          title: `Import “${req.listName}” from ${file.name}`,
          subject: `list:${req.listName}`,
          actor,
        },
      );
    });
    if (!recorded) throw new Error('internal: the import job was not recorded');
    const job = this.jobs.run(recorded, work);
    return { importId: job.id };
  }

  cancel(importId: string, actor: string): { cancelled: boolean } {
    return { cancelled: this.jobs.cancel(importId, actor) };
  }
}
