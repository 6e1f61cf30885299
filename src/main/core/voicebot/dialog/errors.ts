// Typed errors of the dialog domain. Messages name the file and the path of the bad field.

export interface BotIssue {
  /** Where in the file: "states.confirm.transitions[1].to" ('' for the whole file). */
  path: string;
  message: string;
}

export function formatIssue(issue: BotIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** A bot definition file that cannot be used, with every problem found. */
export class BotDefinitionError extends Error {
  override readonly name = 'BotDefinitionError';
  constructor(
    readonly source: string,
    readonly issues: BotIssue[],
  ) {
    super(`${source}: invalid bot definition:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`);
  }
}

/** The contact row lacks variables the bot requires. */
export class DialogVariablesError extends Error {
  override readonly name = 'DialogVariablesError';
  constructor(
    readonly botId: string,
    readonly missing: string[],
  ) {
    super(`bot '${botId}' needs variable(s) the contact does not have: ${missing.join(', ')}`);
  }
}

/** The dialog cannot be created with the dependencies given (e.g. an LLM bot without an LLM). */
export class DialogSetupError extends Error {
  override readonly name = 'DialogSetupError';
}

/** Formats a zod / object path as "a.b[2].c". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const k = String(key);
      if (/^[A-Za-z_][\w-]*$/.test(k)) out += out ? `.${k}` : k;
      else out += `[${JSON.stringify(k)}]`;
    }
  }
  return out;
}
