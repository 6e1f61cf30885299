import fs from 'node:fs';
import path from 'node:path';

/** The bundled bots' folder under the resources, and the user's under the data folder. */
export const BOTS_DIR = 'bots';
/** The demo bot the app runs when no bot file is configured, and its id (what a call gets by default). */
export const DEFAULT_BOT = path.join(BOTS_DIR, 'appointment-reminder.yaml');
export const DEFAULT_BOT_ID = 'appointment-reminder';

/**
 * The app's resources folder: next to the built bundle (out/main → ../../resources), next to the
 * sources (src/main/core → ../../../resources, as tests run them), or under the working directory.
 * The first that holds bots/ wins; packaged hosts pass their own path instead.
 */
export function findResourcesDir(
  candidates: string[] = [
    path.resolve(__dirname, '../../resources'),
    path.resolve(__dirname, '../../../resources'),
    path.resolve(__dirname, '../../../../resources'),
    path.resolve(process.cwd(), 'resources'),
  ],
): string {
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'bots')));
  return found ?? path.resolve(process.cwd(), 'resources');
}
