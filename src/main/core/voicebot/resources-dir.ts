import fs from 'node:fs';
import path from 'node:path';

/** The demo bot the app runs when no bot file is configured. */
export const DEFAULT_BOT = path.join('bots', 'appointment-reminder.yaml');

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
