import fs from 'node:fs/promises';
import type { BotInfo, BotProblem, BotsView } from '../../../../shared/bots';
import type { Logger } from '../../logging';
import { BotDefinitionError, loadBotDirectory, loadBotFile, type BotDefinition } from '../dialog';
import { isRequired } from '../dialog/variables';

/** A call named a bot the registry does not have (or whose file is broken). */
export class UnknownBotError extends Error {
  override readonly name = 'UnknownBotError';
  constructor(
    readonly botId: string,
    known: string[],
  ) {
    super(`unknown bot '${botId}' (known: ${known.join(', ') || 'none'})`);
  }
}

export interface BotRegistryOptions {
  /** The app's bundled bots (resources/bots). */
  bundledDir: string;
  /** The user's own bot files (<data>/bots); created when missing. '' for none. */
  userDir: string;
  /** Instead of the folders: this one bot file (`calldeck voicebot --bot FILE`); a bad file throws. */
  onlyFile?: string;
  /** The id of the bot a call gets when it names none. */
  defaultBotId: string;
  log: Logger;
}

interface Entry {
  bot: BotDefinition;
  info: BotInfo;
}

export function describeBot(bot: BotDefinition, file: string, source: BotInfo['source']): BotInfo {
  return {
    id: bot.id,
    name: bot.name,
    kind: bot.kind,
    description: bot.description ?? null,
    file,
    source,
    variables: Object.entries(bot.variables).map(([name, spec]) => ({
      name,
      required: isRequired(spec),
      example: spec.example ?? null,
      default: spec.default ?? null,
      description: spec.description ?? null,
    })),
  };
}

function problemsOf(file: string, error: Error): BotProblem[] {
  if (error instanceof BotDefinitionError) {
    return error.issues.map((i) => ({ file, path: i.path, message: i.message }));
  }
  return [{ file, path: '', message: error.message }];
}

/**
 * Every bot the voicebot can serve: the bundled bot files, then the user's folder. Each file is
 * validated with the bot schema; a bad file is a problem named by file and field, never fatal. Bots are
 * known by their id (a second file with an id already taken is a problem too). `reload()` picks up
 * files added or edited since.
 */
export class BotRegistry {
  private entries = new Map<string, Entry>();
  private problemList: BotProblem[] = [];

  private constructor(private readonly o: BotRegistryOptions) {}

  static async load(options: BotRegistryOptions): Promise<BotRegistry> {
    const registry = new BotRegistry(options);
    await registry.reload();
    return registry;
  }

  /** One bot file and nothing else: its id is the default; a bad file throws BotDefinitionError. */
  static async fromFile(file: string, log: Logger): Promise<BotRegistry> {
    const bot = await loadBotFile(file);
    const registry = new BotRegistry({
      bundledDir: '',
      userDir: '',
      onlyFile: file,
      defaultBotId: bot.id,
      log,
    });
    registry.entries.set(bot.id, { bot, info: describeBot(bot, file, 'user') });
    return registry;
  }

  get defaultBotId(): string {
    return this.o.defaultBotId;
  }

  async reload(): Promise<void> {
    if (this.o.onlyFile !== undefined) return this.reloadFile(this.o.onlyFile);
    const entries = new Map<string, Entry>();
    const problems: BotProblem[] = [];
    // 0700 like every folder in the data folder (bots can hold customer-facing scripts and prompts).
    await fs.mkdir(this.o.userDir, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
      this.o.log.warn('cannot create the bots folder', { dir: this.o.userDir, err });
    });
    const sources: [string, BotInfo['source']][] = [
      [this.o.bundledDir, 'bundled'],
      [this.o.userDir, 'user'],
    ];
    for (const [dir, source] of sources) {
      let found;
      try {
        found = await loadBotDirectory(dir);
      } catch (err) {
        // A missing user folder is no bot, not a problem; an unreadable one is.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        problems.push({ file: dir, path: '', message: `cannot read the folder: ${String(err)}` });
        continue;
      }
      for (const { file, bot, error } of found) {
        if (error || !bot) {
          problems.push(...problemsOf(file, error ?? new Error('not loaded')));
          continue;
        }
        const taken = entries.get(bot.id);
        if (taken) {
          problems.push({ file, path: 'id', message: `'${bot.id}' is already the id of ${taken.info.file}` });
          continue;
        }
        entries.set(bot.id, { bot, info: describeBot(bot, file, source) });
      }
    }
    if (!entries.has(this.o.defaultBotId)) {
      problems.push({
        file: this.o.bundledDir,
        path: '',
        message: `the default bot '${this.o.defaultBotId}' is missing`,
      });
    }
    for (const p of problems) this.o.log.warn('bot file not usable', { ...p });
    this.entries = entries;
    this.problemList = problems;
  }

  /** Re-reads the one bot file; a file broken since is a problem and the last good bot stays. */
  private async reloadFile(file: string): Promise<void> {
    try {
      const bot = await loadBotFile(file);
      this.entries = new Map([[bot.id, { bot, info: describeBot(bot, file, 'user') }]]);
      this.problemList = [];
    } catch (err) {
      this.problemList = problemsOf(file, err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The bot with this id, or the default bot when none is named. Throws UnknownBotError. */
  resolve(id?: string | null): BotDefinition {
    const wanted = id && id.trim() !== '' ? id.trim() : this.o.defaultBotId;
    const entry = this.entries.get(wanted);
    if (!entry) throw new UnknownBotError(wanted, [...this.entries.keys()]);
    return entry.bot;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  view(): BotsView {
    return {
      bots: [...this.entries.values()].map((e) => e.info),
      problems: [...this.problemList],
      defaultBotId: this.entries.has(this.o.defaultBotId) ? this.o.defaultBotId : null,
      userDir: this.o.userDir,
    };
  }
}
