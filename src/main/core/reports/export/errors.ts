import type { ExportFormat } from '../../../../shared/reports';

/** The scope names nothing that exists (no such campaign or QA run). */
export class ExportScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportScopeError';
  }
}

/** No writer is registered for the format asked for (yet). */
export class ExportFormatError extends Error {
  constructor(readonly format: ExportFormat) {
    super(`The "${format}" export format is not available in this version of CallDeck`);
    this.name = 'ExportFormatError';
  }
}
