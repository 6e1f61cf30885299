import { InvalidArgumentError, type Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import type { ApiEvents } from '../../../shared/api/events';
import type { BotsView } from '../../../shared/bots';
import type {
  CampaignContactsPage,
  CampaignCreate,
  CampaignDetail,
  CampaignForecast,
  CampaignState,
} from '../../../shared/campaigns';
import type { ListSummary } from '../../../shared/contacts';
import { DATA_TOOL, FULL_APP, type Core, type CoreConfig } from '../../core';
import { dataOption } from '../cli-options';
import { call, CliApiError, startCliCore, withCliCore } from '../cli-core';
import { serveSandboxScript } from '../sandbox-script';
import type { RegisterCommands } from './index';

/**
 * `calldeck campaign run|list|show|pause|resume|cancel`. Every step goes through `core.invoke`, so
 * it is validated and audited as the same action in the app. `run` builds the whole app (public
 * surface, sandbox, voicebot: the dialer needs them) and follows the campaign to its end; the
 * others need only the data (a dialer running elsewhere on the same folder follows the state).
 */

export interface CampaignRunOptions {
  list: string;
  bot?: string;
  name?: string;
  sandbox?: boolean;
  sandboxScript?: string;
  concurrency?: number;
  cpm?: number;
  retries?: number;
  /** Minutes between attempts of one contact (default 30). */
  retryAfter?: number;
  window?: { start: string; end: string };
  windowOverride?: boolean;
  data: string;
  json?: boolean;
}

type Print = (line: string) => void;

const FINAL: readonly CampaignState[] = ['completed', 'canceled'];

const positiveInt = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} is a whole number from 1`);
  return n;
};

const minutesArg = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 10_080) throw new InvalidArgumentError('minutes from 0 to 10080');
  return n;
};

const retriesArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 9) throw new InvalidArgumentError('retries are 0–9');
  return n;
};

/** "09:00-21:00" → { start, end }. */
export function parseWindow(v: string): { start: string; end: string } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('use HH:mm-HH:mm, e.g. 09:00-21:00');
  return { start: `${m[1]}:${m[2]}`, end: `${m[3]}:${m[4]}` };
}

function printError(opts: { json?: boolean }, print: Print, code: string, message: string): number {
  if (opts.json) print(JSON.stringify({ error: { code, message } }));
  else process.stderr.write(`calldeck: ${message}\n`);
  return 1;
}

/** A list by id or by name (names are unique, case-insensitive). */
function findList(lists: readonly ListSummary[], ref: string): ListSummary | undefined {
  const byName = lists.find((l) => l.name.toLowerCase() === ref.trim().toLowerCase());
  return byName ?? (/^\d+$/.test(ref.trim()) ? lists.find((l) => l.id === Number(ref)) : undefined);
}

/** One line: where the campaign stands. */
export function progressLine(c: CampaignDetail): string {
  const k = c.counters;
  const done = k.byStatus.done + k.byStatus.skipped;
  const outcomes = Object.entries(k.byOutcome)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${o} ${n}`)
    .join(', ');
  return `${c.name} [${c.state}] ${done}/${k.contacts} contacts done, ${k.attempts} attempts (${k.inFlight} in progress)${outcomes ? `: ${outcomes}` : ''}`;
}

/** Every contact of the campaign with its latest attempt, through the Api's pages. */
async function allContacts(core: Core, campaignId: string): Promise<CampaignContactsPage['contacts']> {
  const out: CampaignContactsPage['contacts'] = [];
  let afterPosition = -1;
  for (;;) {
    const page = await call<CampaignContactsPage>(core, 'campaigns.contacts', {
      campaignId,
      afterPosition,
      limit: 5000,
    });
    out.push(...page.contacts);
    const last = page.contacts.at(-1);
    if (!last || page.contacts.length < 5000) return out;
    afterPosition = last.position;
  }
}

const count = (values: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

/** What happened, next to what the forecast said before the start. */
export async function campaignSummary(core: Core, campaignId: string, forecast: CampaignForecast | null) {
  const c = await call<CampaignDetail>(core, 'campaigns.get', { campaignId });
  const contacts = await allContacts(core, campaignId);
  const last = contacts.flatMap((x) => (x.last ? [x.last] : []));
  const answered = c.counters.byOutcome.answered;
  const finishedAttempts = c.counters.attempts - c.counters.inFlight;
  return {
    campaign: {
      id: c.id,
      name: c.name,
      state: c.state,
      bot: c.settings.bot,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
    },
    contacts: { total: c.counters.contacts, ...c.counters.byStatus },
    attempts: c.counters.attempts,
    byOutcome: c.counters.byOutcome,
    byDisposition: count(last.map((a) => a.disposition ?? 'none')),
    flags: count(last.flatMap((a) => a.flags)),
    skipped: count(contacts.flatMap((x) => (x.skipReason ? [x.skipReason] : []))),
    forecast: forecast && {
      finishAt: forecast.finishAt,
      dials: forecast.dials,
      expectedRetries: forecast.expectedRetries,
      answerRate: forecast.answerRate,
      callMinutes: forecast.callMinutes,
      unreachable: forecast.unreachable.count,
    },
    actual: {
      finishedAt: c.finishedAt,
      dials: c.counters.attempts,
      retries: c.counters.attempts - contacts.filter((x) => x.attempts > 0).length,
      answerRate: finishedAttempts > 0 ? Math.round((answered / finishedAttempts) * 1000) / 1000 : null,
    },
  };
}

/** The bot a run names: a bot id of the registry, or a YAML file (its one bot). */
function botConfig(bot: string | undefined): { botFile?: string; botId?: string } {
  if (bot === undefined) return {};
  const file = path.resolve(bot);
  if (/\.ya?ml$/i.test(bot) || fs.existsSync(file)) return { botFile: file };
  return { botId: bot };
}

/**
 * Creates a campaign from a list and runs it in this process to its end (or until Ctrl-C, which
 * pauses it so `calldeck campaign resume` can take it up). Returns the exit code.
 */
export async function runCampaignCommand(
  opts: CampaignRunOptions,
  print: Print,
  extra: Partial<CoreConfig> = {},
  signal?: AbortSignal,
): Promise<number> {
  const { botFile, botId } = botConfig(opts.bot);
  const core = await startCliCore(opts.data, FULL_APP, {
    telephony: opts.sandbox ? 'sandbox' : 'auto',
    ...(opts.sandbox ? { sandboxScript: serveSandboxScript(opts.sandboxScript) } : {}),
    ...(botFile ? { botFile } : {}),
    ...extra,
  });
  try {
    const list = findList(await call<ListSummary[]>(core, 'contacts.lists'), opts.list);
    if (!list) return printError(opts, print, 'not_found', `No list with the id or name "${opts.list}".`);
    const bots = await call<BotsView>(core, 'voicebot.bots');
    const bot = botId ?? bots.defaultBotId;
    if (!bot) return printError(opts, print, 'invalid_request', 'No bot to call with: name one with --bot');
    const calling = (await call<{ settings: { calling: { timeZone: string } } }>(core, 'settings.get'))
      .settings.calling;
    const request: CampaignCreate = {
      name: opts.name ?? `${list.name} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
      listId: list.id,
      bot,
      ...(opts.concurrency !== undefined || opts.cpm !== undefined
        ? { pacing: { maxConcurrent: opts.concurrency ?? 5, callsPerMinute: opts.cpm ?? 10 } }
        : {}),
      ...(opts.retries !== undefined
        ? {
            retry: {
              maxAttempts: opts.retries + 1,
              on: ['busy', 'no_answer', 'failed'],
              intervalMinutes: opts.retryAfter ?? 30,
              backoff: 'linear',
            },
          }
        : {}),
      ...(opts.window
        ? {
            window: {
              days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
              ...opts.window,
              timeZone: calling.timeZone,
              override: opts.windowOverride ?? false,
            },
          }
        : {}),
    };
    const created = await call<CampaignDetail>(core, 'campaigns.create', request);
    const forecast = await call<CampaignForecast>(core, 'campaigns.forecast', { campaignId: created.id });
    if (!opts.json)
      print(
        `Campaign "${created.name}" (${created.id}): ${created.counters.contacts} contacts; forecast: ${forecast.dials} dials, finish ${forecast.finishAt ?? 'n/a'}`,
      );
    const finished = followToEnd(core, created.id, opts.json ? undefined : print, signal);
    await call(core, 'campaigns.start', { campaignId: created.id });
    await finished;
    print(JSON.stringify(await campaignSummary(core, created.id, forecast)));
    return 0;
  } catch (err) {
    if (err instanceof CliApiError) return printError(opts, print, err.code, err.message);
    throw err;
  } finally {
    await core.stop();
  }
}

/**
 * Resolves when the campaign reaches a final state; a progress line on stderr as it moves. An
 * abort (Ctrl-C) pauses the campaign and resolves.
 */
function followToEnd(core: Core, campaignId: string, print: Print | undefined, signal?: AbortSignal) {
  return new Promise<void>((resolve) => {
    let lastLine = '';
    const stop = () => {
      off();
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const off = core.subscribe((event, payload) => {
      if (event !== 'campaign.updated') return;
      const { campaign } = payload as ApiEvents['campaign.updated'];
      if (campaign.id !== campaignId) return;
      const line = progressLine(campaign);
      if (print && line !== lastLine) process.stderr.write(`${line}\n`);
      lastLine = line;
      if (FINAL.includes(campaign.state)) stop();
    });
    const onAbort = () => {
      void core.invoke('campaigns.pause', { campaignId }).finally(stop);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort);
  });
}

export async function runCampaignListCommand(opts: { data: string; json?: boolean }, print: Print) {
  await withCliCore(opts.data, async (core) => {
    const campaigns = await call<CampaignDetail[]>(core, 'campaigns.list', {});
    if (opts.json) return print(JSON.stringify(campaigns));
    if (campaigns.length === 0)
      return print('No campaigns yet. Start one with: calldeck campaign run --list NAME');
    for (const c of campaigns) print(`${c.id}\t${progressLine(c)}`);
  });
}

export async function runCampaignShowCommand(
  id: string,
  opts: { data: string; json?: boolean },
  print: Print,
): Promise<number> {
  return withCliCore(opts.data, async (core) => {
    try {
      const summary = await campaignSummary(core, id, null);
      const forecast = await call<CampaignForecast>(core, 'campaigns.forecast', { campaignId: id });
      if (opts.json) print(JSON.stringify({ ...summary, forecast }));
      else {
        print(progressLine(await call<CampaignDetail>(core, 'campaigns.get', { campaignId: id })));
        if (forecast.finishAt) print(`  forecast: finish ${forecast.finishAt}, ${forecast.dials} dials left`);
      }
      return 0;
    } catch (err) {
      if (err instanceof CliApiError) return printError(opts, print, err.code, err.message);
      throw err;
    }
  });
}

/** pause | cancel (a data tool's core: the state changes, a dialer elsewhere follows it). */
export async function runCampaignMoveCommand(
  action: 'pause' | 'cancel',
  id: string,
  opts: { data: string; json?: boolean },
  print: Print,
): Promise<number> {
  return withCliCore(
    opts.data,
    async (core) => {
      try {
        const c = await call<CampaignDetail>(core, `campaigns.${action}`, { campaignId: id });
        print(opts.json ? JSON.stringify(c) : progressLine(c));
        return 0;
      } catch (err) {
        if (err instanceof CliApiError) return printError(opts, print, err.code, err.message);
        throw err;
      }
    },
    DATA_TOOL,
  );
}

/** Resumes a paused campaign (or follows one left running) and runs it here to its end (the dialer needs the whole app). */
export async function runCampaignResumeCommand(
  id: string,
  opts: { data: string; json?: boolean; sandbox?: boolean },
  print: Print,
  extra: Partial<CoreConfig> = {},
  signal?: AbortSignal,
): Promise<number> {
  const core = await startCliCore(opts.data, FULL_APP, {
    telephony: opts.sandbox ? 'sandbox' : 'auto',
    ...extra,
  });
  try {
    const finished = followToEnd(core, id, opts.json ? undefined : print, signal);
    const before = await call<CampaignDetail>(core, 'campaigns.get', { campaignId: id });
    // A campaign a stop or a crash left running was taken up by this very start (its job resumes):
    // there is nothing to resume, only a run to follow to its end.
    if (before.state !== 'running') await call(core, 'campaigns.resume', { campaignId: id });
    await finished;
    print(JSON.stringify(await campaignSummary(core, id, null)));
    return 0;
  } catch (err) {
    if (err instanceof CliApiError) return printError(opts, print, err.code, err.message);
    throw err;
  } finally {
    await core.stop();
  }
}

/** Ctrl-C while a campaign runs here: it is paused (resumable), then the command ends. */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return controller.signal;
}

export const registerCampaignCommands: RegisterCommands = (program: Command) => {
  const print: Print = (line) => process.stdout.write(line + '\n');
  const campaign = program.command('campaign').description('run and manage call campaigns');
  dataOption(campaign.command('run'))
    .description('create a campaign from a list and run it to the end (Ctrl-C pauses it)')
    .requiredOption('--list <name>', 'contact list (name or id)')
    .option('--bot <id|file>', 'bot id from the bot registry, or a bot YAML file; default: the default bot')
    .option('--name <name>', 'campaign name (default: the list name and the time)')
    .option('--sandbox', 'rehearsal: every call goes to the local Exotel sandbox')
    .option('--sandbox-script <file>', 'callee script (YAML/JSON) for the sandbox')
    .option('--concurrency <n>', 'most calls at once', positiveInt('concurrency'))
    .option('--cpm <n>', 'calls per minute (never above the account limit in Settings)', positiveInt('cpm'))
    .option('--retries <n>', 'retries of busy, no-answer and failed calls (0–9)', retriesArg)
    .option('--retry-after <minutes>', 'minutes between attempts of one contact (default 30)', minutesArg)
    .option(
      '--window <HH:mm-HH:mm>',
      'calling hours in the calling time zone (default 09:00-21:00)',
      parseWindow,
    )
    .option(
      '--window-override',
      'allow calling hours before 09:00 or after 21:00 (recorded in the audit log)',
    )
    .option('--json', 'print only the JSON summary')
    .action(async (opts: CampaignRunOptions) => {
      process.exitCode = await runCampaignCommand(opts, print, {}, interruptible());
    });
  dataOption(campaign.command('list'))
    .description('list campaigns with their progress')
    .option('--json', 'print as JSON')
    .action((opts: { data: string; json?: boolean }) => runCampaignListCommand(opts, print));
  dataOption(campaign.command('show <id>'))
    .description('a campaign: counters, outcomes, dispositions, flags and its forecast')
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { data: string; json?: boolean }) => {
      process.exitCode = await runCampaignShowCommand(id, opts, print);
    });
  for (const action of ['pause', 'cancel'] as const)
    dataOption(campaign.command(`${action} <id>`))
      .description(`${action} a campaign (recorded in the audit log)`)
      .option('--json', 'print as JSON')
      .action(async (id: string, opts: { data: string; json?: boolean }) => {
        process.exitCode = await runCampaignMoveCommand(action, id, opts, print);
      });
  dataOption(campaign.command('resume <id>'))
    .description('resume a paused campaign and run it here to the end (Ctrl-C pauses it again)')
    .option('--sandbox', 'rehearsal: every call goes to the local Exotel sandbox')
    .option('--json', 'print only the JSON summary')
    .action(async (id: string, opts: { data: string; json?: boolean; sandbox?: boolean }) => {
      process.exitCode = await runCampaignResumeCommand(id, opts, print, {}, interruptible());
    });
};
