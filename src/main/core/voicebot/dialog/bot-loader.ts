import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { checkBot } from './bot-checks';
import { BotDefinitionSchema, type BotDefinition } from './bot-schema';
import { BotDefinitionError, formatPath, type BotIssue } from './errors';

function zodIssue(issue: z.core.$ZodIssue): BotIssue {
  const where = formatPath(issue.path);
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return { path: where, message: 'is required' };
  }
  if (issue.code === 'unrecognized_keys') {
    return { path: where, message: `unknown field(s): ${issue.keys.map((k) => `'${k}'`).join(', ')}` };
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const options = issue.discriminator === 'kind' ? 'script, llm' : 'ask, end, transfer';
    return { path: where, message: `must be one of: ${options}` };
  }
  return { path: where, message: issue.message };
}

/**
 * Parses and validates a bot definition (YAML text). Throws BotDefinitionError listing every problem,
 * each with the path of the bad field, e.g. "states.confirm.transitions[1].to: unknown state 'confrim'".
 */
export function parseBot(text: string, source = '<bot>'): BotDefinition {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new BotDefinitionError(
      source,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
        return { path: '', message: `YAML syntax error${at}: ${e.message.split('\n')[0] ?? e.code}` };
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 50 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new BotDefinitionError(source, [
      { path: '', message: 'must be a YAML mapping (key: value pairs)' },
    ]);
  }
  const parsed = BotDefinitionSchema.safeParse(raw);
  if (!parsed.success) throw new BotDefinitionError(source, parsed.error.issues.map(zodIssue));
  const issues = checkBot(parsed.data);
  if (issues.length) throw new BotDefinitionError(source, issues);
  return parsed.data;
}

/** Reads and validates a bot definition file. */
export async function loadBotFile(file: string): Promise<BotDefinition> {
  const text = await fs.readFile(file, 'utf8');
  return parseBot(text, path.basename(file));
}

export interface BotDirectoryEntry {
  file: string;
  bot?: BotDefinition;
  error?: BotDefinitionError | Error;
}

/** Every *.yaml / *.yml bot in a folder, each loaded or with its error (one bad file spoils nothing). */
export async function loadBotDirectory(dir: string): Promise<BotDirectoryEntry[]> {
  const names = (await fs.readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  const out: BotDirectoryEntry[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      out.push({ file, bot: await loadBotFile(file) });
    } catch (error) {
      out.push({ file, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return out;
}
