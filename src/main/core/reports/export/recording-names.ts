import path from 'node:path';
import type { ExportRecording, RecordingOwner } from '../../../../shared/reports';

/**
 * How an export names a call's recordings (the Calls sheet's Recordings column, the HTML report's
 * list): never the absolute path the app stored, which carries the user's home folder and means
 * nothing on an auditor's machine. The header says what the names are relative to.
 */
export interface RecordingNames {
  /** The Recordings column's header. */
  header: string;
  name(call: RecordingOwner, rec: ExportRecording): string;
}

const slashes = (p: string) => p.split(path.sep).join('/');

/** Only the file's name: for a source whose data folder is not known. */
export const RECORDING_FILE_NAMES: RecordingNames = {
  header: 'Recordings (file names)',
  name: (_call, rec) => path.basename(rec.path),
};

/** Paths relative to the data folder (`recordings/….wav`); a file outside it by its name alone. */
export function recordingsInDataFolder(dataDir: string): RecordingNames {
  const root = path.resolve(dataDir);
  return {
    header: 'Recordings (paths in the data folder)',
    name: (_call, rec) => {
      const rel = path.relative(root, path.resolve(rec.path));
      return rel === '' || rel.startsWith('..') || path.isAbsolute(rel)
        ? path.basename(rec.path)
        : slashes(rel);
    },
  };
}

/**
 * Paths inside an audit bundle (`recordings/<attempt>/<session>-<channel>.wav`, as copied), given
 * each copy's path relative to the bundle, or null for a recording the bundle does not carry.
 */
export function recordingsInBundle(
  inBundle: (call: RecordingOwner, rec: ExportRecording) => string | null,
): RecordingNames {
  return {
    header: 'Recordings (paths in this bundle)',
    name: (call, rec) => inBundle(call, rec) ?? `${path.basename(rec.path)} (not in this bundle)`,
  };
}
