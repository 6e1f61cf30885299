import { ApiError } from '../../../../shared/api/errors';
import type { Handlers } from '../../api';
import { ExportFormatError, type ExportJobs } from '../../reports';

/** Exports: `reports.export` starts the job; its `job.updated` events carry progress and the artifact. */
export function reportsHandlers(exports: ExportJobs): Handlers['reports'] {
  return {
    export: (req, { audit, actor }) => {
      try {
        return exports.start(req, audit, actor);
      } catch (err) {
        if (err instanceof ExportFormatError)
          throw new ApiError({ code: 'invalid_request', message: err.message });
        throw err;
      }
    },
  };
}
