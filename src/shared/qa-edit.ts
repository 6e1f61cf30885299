import { z } from 'zod';
import type { QaScenarioInfo, QaScenarioProblem } from './qa';

/**
 * A scenario file name inside a suite folder: a bare name ending .yaml/.yml, never a path. The page
 * can only name a file in the suite it shows; the core resolves it there.
 */
export const ScenarioFileNameSchema = z
  .string()
  .min(6)
  .max(200)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._ -]*\.ya?ml$/,
    'must be a file name ending .yaml or .yml (letters, digits, . _ - and spaces)',
  );

export const QaSaveScenarioSchema = z.strictObject({
  /** The suite folder, as qa.suites / qa.suite name it. */
  dir: z.string().min(1).max(4096),
  file: ScenarioFileNameSchema,
  /** The whole YAML text of the scenario (scenario files are at most 256 KiB). */
  text: z.string().max(256 * 1024),
  /** A new file: refused when one of that name exists (an edit may overwrite, a new one may not). */
  create: z.boolean().default(false),
});
export type QaSaveScenarioRequest = z.input<typeof QaSaveScenarioSchema>;

/** A suite copied into the user's suites folder under a new name (how a bundled suite is edited). */
export const QaCopySuiteSchema = z.strictObject({
  /** The suite folder to copy, as qa.suites names it. */
  dir: z.string().min(1).max(4096),
  /** The new suite's folder name. */
  name: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/,
      'a suite name is letters, digits, . _ - and spaces (up to 64), starting with a letter or digit',
    )
    // Windows keeps these for devices (with any extension) and drops a trailing dot: the same suite
    // name must make the same folder on every computer.
    .refine(
      (n) => !/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i.test(n) && !n.endsWith('.'),
      'not a suite name on Windows: CON, PRN, AUX, NUL, COM1-9 and LPT1-9 are devices there, and a trailing dot is dropped',
    ),
});
export type QaCopySuiteRequest = z.input<typeof QaCopySuiteSchema>;

/** Checks a scenario's text as it is typed (a query: nothing is written, nothing audited). */
export const QaCheckScenarioSchema = QaSaveScenarioSchema.omit({ create: true });

/** Saved only when the text is a valid scenario (a check never saves): problems name the line and the field. */
export interface QaSaveScenarioResult {
  saved: boolean;
  problems: QaScenarioProblem[];
  /** The scenario as the suite lists it after a save (or would, after a check). */
  item: QaScenarioInfo | null;
}

/** A recorded call (its voicebot session) drafted as a scenario in a suite folder. */
export const QaScenarioFromCallSchema = z.strictObject({
  sessionId: z.string().min(1).max(100),
  /** A suite folder (as qa.suites names it); default: the data folder's qa/suites/recorded-calls. */
  dir: z.string().min(1).max(4096).optional(),
});
export type QaScenarioFromCallRequest = z.input<typeof QaScenarioFromCallSchema>;

export interface QaScenarioFromCallResult {
  dir: string;
  file: string;
  item: QaScenarioInfo;
}
