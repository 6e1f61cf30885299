import fs from 'node:fs';
import path from 'node:path';
import { PdfPrintError } from './printer';

/** Variables naming a Chromium (or Chrome) binary, checked in this order before the PATH. */
export const CHROMIUM_ENV_VARS = ['CHROME_PATH', 'CALLDECK_CHROMIUM'] as const;
const FIXED_PATHS = ['/usr/bin/chromium'];
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export const INSTALL_HINT =
  'Install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`; or Google Chrome), or set CHROME_PATH to its binary. ' +
  'The desktop app prints PDFs without it.';

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium to print with: a variable that names one wins (and must exist: a wrong path is
 * reported, never silently replaced by another browser), then /usr/bin/chromium, then the PATH.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  for (const name of CHROMIUM_ENV_VARS) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (isExecutable(value)) return value;
    throw new PdfPrintError(
      'no_chromium',
      `${name} names ${value}, which is not an executable file. ${INSTALL_HINT}`,
    );
  }
  for (const file of FIXED_PATHS) if (isExecutable(file)) return file;
  const exts = process.platform === 'win32' ? ['.exe'] : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of PATH_NAMES) {
      for (const ext of exts) {
        const candidate = path.join(dir, name + ext);
        if (isExecutable(candidate)) return candidate;
      }
    }
  }
  throw new PdfPrintError('no_chromium', `No Chromium was found to print the PDF. ${INSTALL_HINT}`);
}
