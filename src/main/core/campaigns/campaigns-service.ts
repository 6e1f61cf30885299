import { randomUUID } from 'node:crypto';
import {
  ATTEMPT_OUTCOMES,
  CAMPAIGN_CONTACT_STATUSES,
  CampaignSettingsSchema,
  LEGAL_WINDOW,
  widensLegalWindow,
  type CampaignAction,
  type CampaignCounters,
  type CampaignDetail,
  type CampaignForecast,
  type CampaignInfo,
  type CampaignSettings,
  type CampaignState,
  type Pacing,
} from '../../../shared/campaigns';
import type { AuditDetail, AuditScope, CampaignRow, CampaignsRepository, QueueContact } from '../store';
import { CampaignError } from './errors';
import { forecast } from './forecast';
import { nextState } from './state';

/** What `create` needs, parsed by the contract's schema. */
export interface NewCampaign extends CampaignSettings {
  name: string;
  listId: number;
  contactIds?: number[] | undefined;
}

/** A draft's changes (absent: unchanged; `contactIds: null`: the whole list again). */
export type CampaignChange = Partial<CampaignSettings> & {
  campaignId: string;
  name?: string | undefined;
  contactIds?: number[] | null | undefined;
};

export interface CampaignsServiceDeps {
  repo: CampaignsRepository;
  /** The account's calls-per-minute limit (Settings › Calling), read at each check. */
  cpmLimit: () => number;
  now?: () => Date;
}

/**
 * The needed variables a contact row has no value for: its stored variables, and its name as the
 * `name` variable (as the voicebot reads a contact).
 */
function lackingVariables(json: string, name: string, needs: readonly string[]): string[] {
  if (needs.length === 0) return [];
  let values: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed && typeof parsed === 'object') values = parsed as Record<string, unknown>;
  } catch {
    // an unreadable row has no values: every needed variable is lacking
  }
  if (name.trim() !== '' && values.name === undefined) values = { ...values, name };
  return needs.filter((n) => {
    const v = values[n];
    if (typeof v === 'string') return v.trim() === '';
    return v === undefined || v === null;
  });
}

/** What an audit row says about a window that reaches outside the legal hours. */
function windowDetail(s: CampaignSettings): AuditDetail {
  if (!widensLegalWindow(s.window)) return {};
  return {
    windowOverride: `${s.window.start}-${s.window.end} ${s.window.timeZone} (outside ${LEGAL_WINDOW.start}-${LEGAL_WINDOW.end})`,
  };
}

/**
 * Campaigns as the operator edits and moves them: create and change drafts, move states, change
 * pacing. Every change goes through the action's audit scope, so the change and its audit row are
 * one transaction. The dialing itself is the runner's (see runner.ts).
 */
export class CampaignsService {
  private readonly repo: CampaignsRepository;
  private readonly now: () => Date;

  constructor(private readonly deps: CampaignsServiceDeps) {
    this.repo = deps.repo;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * A new draft. `needs`: the variables every call of its bot needs (required, no default); a
   * contact without a value for one enters the queue skipped, named, rather than failing its call.
   */
  create(req: NewCampaign, actor: string, audit: AuditScope, needs: readonly string[] = []): CampaignDetail {
    const { name: _name, listId: _list, contactIds: _ids, ...own } = req;
    const settings = this.checked(CampaignSettingsSchema.parse(own));
    const queue = this.queueOf(req.listId, req.contactIds, needs);
    const id = randomUUID();
    const at = this.now().toISOString();
    audit.commit(
      () =>
        this.repo.insert(
          {
            id,
            name: req.name,
            state: 'draft',
            listId: req.listId,
            contactIds: req.contactIds ? JSON.stringify(req.contactIds) : null,
            settings: JSON.stringify(settings),
            createdAt: at,
            createdBy: actor,
          },
          queue,
        ),
      {
        subject: () => `campaign:${id}`,
        detail: () => ({
          campaignId: id,
          contacts: queue.length,
          skipped: queue.filter((c) => c.skipReason).length,
          ...windowDetail(settings),
        }),
      },
    );
    return this.detail(id);
  }

  /** Changes a draft (only a draft: what runs or ran stays as it was started). */
  update(change: CampaignChange, audit: AuditScope, needs?: readonly string[]): CampaignDetail {
    const row = this.row(change.campaignId);
    if (row.state !== 'draft')
      throw new CampaignError('conflict', `Only a draft can be changed; this campaign is ${row.state}`);
    const { campaignId, name, contactIds, ...rest } = change;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const settings = this.checked(CampaignSettingsSchema.parse({ ...this.settingsOf(row), ...defined }));
    // A new selection, or a new bot whose variables may differ: the queue is rebuilt.
    const rebuild = contactIds !== undefined || (change.bot !== undefined && needs !== undefined);
    const ids = contactIds === undefined ? this.selectionOf(row) : (contactIds ?? undefined);
    const queue = rebuild ? this.queueOf(row.listId, ids, needs ?? []) : undefined;
    const at = this.now().toISOString();
    audit.commit(
      () => {
        this.repo.setDraft(campaignId, name ?? row.name, JSON.stringify(settings), at);
        if (queue)
          this.repo.replaceQueue(campaignId, contactIds ? JSON.stringify(contactIds) : null, queue, at);
      },
      {
        detail: () => ({
          campaignId,
          ...(queue ? { contacts: queue.length } : {}),
          ...windowDetail(settings),
        }),
      },
    );
    return this.detail(campaignId);
  }

  /**
   * Moves a campaign by an action, audited in the same transaction. Refused (typed) when the state
   * machine does not allow it, or when another writer moved the campaign first.
   */
  transition(campaignId: string, action: CampaignAction, audit: AuditScope): CampaignDetail {
    const row = this.row(campaignId);
    const to = nextState(row.state, action);
    if (action === 'schedule' && !this.settingsOf(row).schedule.startAt)
      throw new CampaignError('invalid', 'Set a start time to schedule the campaign (or start it now)');
    const at = this.now().toISOString();
    audit.commit(
      () => {
        if (!this.repo.setState(campaignId, row.state, to, at))
          throw new CampaignError('conflict', `The campaign changed meanwhile; it is no longer ${row.state}`);
      },
      { detail: () => ({ campaignId, from: row.state, to }) },
    );
    return this.detail(campaignId);
  }

  /** New pacing for a campaign that is not finished (a running one's dialer follows at once). */
  setPacing(campaignId: string, pacing: Pacing, audit: AuditScope): CampaignDetail {
    const row = this.row(campaignId);
    if (row.state === 'completed' || row.state === 'canceled')
      throw new CampaignError('conflict', `The campaign is ${row.state}: its pacing no longer matters`);
    const settings = this.checked({ ...this.settingsOf(row), pacing });
    audit.commit(
      () => this.repo.setSettings(campaignId, JSON.stringify(settings), this.now().toISOString()),
      {
        detail: () => ({ campaignId, ...pacing }),
      },
    );
    return this.detail(campaignId);
  }

  /**
   * When the campaign will finish from here: a draft or scheduled one from its start (or now), a
   * running or paused one from now with what is left and its outcomes so far; a finished one has
   * nothing left.
   */
  forecast(campaignId: string, answerRate?: number): CampaignForecast {
    const row = this.row(campaignId);
    const s = this.settingsOf(row);
    const now = this.now().getTime();
    const startAt = s.schedule.startAt ? Date.parse(s.schedule.startAt) : now;
    const before = row.state === 'draft' || row.state === 'scheduled';
    const finished = row.state === 'completed' || row.state === 'canceled';
    const from = before ? Math.max(startAt, now) : now;
    const counts = this.repo.counts(campaignId).byOutcome;
    return forecast({
      contacts: finished
        ? []
        : this.repo.queue(campaignId).map((q) => ({
            position: q.position,
            status: q.status,
            attempts: q.attempts,
            nextEligibleAt: q.nextEligibleAt ? Date.parse(q.nextEligibleAt) : null,
          })),
      pacing: s.pacing,
      window: s.window,
      retry: s.retry,
      schedule: { start: from, end: s.schedule.endAt ? Date.parse(s.schedule.endAt) : null },
      from,
      observed: {
        answered: counts.answered ?? 0,
        busy: counts.busy ?? 0,
        no_answer: counts.no_answer ?? 0,
        failed: counts.failed ?? 0,
        machine: counts.machine ?? 0,
      },
      answerRate,
      talkSec: this.repo.answeredTalkSec(campaignId) ?? undefined,
      capPerDay: s.frequencyCapPerDay,
    });
  }

  get(campaignId: string): CampaignDetail | undefined {
    const row = this.repo.get(campaignId);
    return row ? this.toDetail(row) : undefined;
  }

  detail(campaignId: string): CampaignDetail {
    return this.toDetail(this.row(campaignId));
  }

  list(states?: readonly CampaignState[]): CampaignDetail[] {
    return this.repo.list(states).map((r) => this.toDetail(r));
  }

  settings(campaignId: string): CampaignSettings {
    return this.settingsOf(this.row(campaignId));
  }

  private row(campaignId: string): CampaignRow {
    const row = this.repo.get(campaignId);
    if (!row) throw new CampaignError('not_found', `No campaign ${campaignId}`);
    return row;
  }

  /** Rules the schema cannot know: the account's calls-per-minute limit. */
  private checked(settings: CampaignSettings): CampaignSettings {
    const limit = this.deps.cpmLimit();
    if (settings.pacing.callsPerMinute > limit)
      throw new CampaignError(
        'invalid',
        `${settings.pacing.callsPerMinute} calls per minute is above the account's limit of ${limit} (Settings › Calling)`,
      );
    return settings;
  }

  private selectionOf(row: CampaignRow): number[] | undefined {
    return row.contactIds ? (JSON.parse(row.contactIds) as number[]) : undefined;
  }

  private queueOf(
    listId: number,
    ids: readonly number[] | undefined,
    needs: readonly string[],
  ): QueueContact[] {
    const contacts = this.repo.listContacts(listId, ids);
    if (ids) {
      const found = new Set(contacts.map((c) => c.contactId));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length)
        throw new CampaignError(
          'invalid',
          `Contacts ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} are not callable contacts of list ${listId}`,
        );
    }
    if (contacts.length === 0)
      throw new CampaignError('invalid', `List ${listId} has no callable contacts (does it exist?)`);
    return contacts.map(({ dnc, variables, ...c }) => {
      if (dnc) return { ...c, skipReason: 'dnc' };
      const lacking = lackingVariables(variables, c.name, needs);
      return lacking.length ? { ...c, skipReason: `missing variables: ${lacking.join(', ')}` } : c;
    });
  }

  private settingsOf(row: CampaignRow): CampaignSettings {
    return CampaignSettingsSchema.parse(JSON.parse(row.settings));
  }

  private toDetail(row: CampaignRow): CampaignDetail {
    const info: CampaignInfo = {
      id: row.id,
      name: row.name,
      state: row.state,
      listId: row.listId,
      listName: row.listName,
      contactIds: row.contactIds ? (JSON.parse(row.contactIds) as number[]) : null,
      settings: this.settingsOf(row),
      createdAt: row.createdAt,
      createdBy: row.createdBy,
      updatedAt: row.updatedAt,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
    };
    return { ...info, counters: this.counters(row.id) };
  }

  counters(campaignId: string): CampaignCounters {
    const c = this.repo.counts(campaignId);
    const byStatus = Object.fromEntries(
      CAMPAIGN_CONTACT_STATUSES.map((s) => [s, c.byStatus[s] ?? 0]),
    ) as Record<(typeof CAMPAIGN_CONTACT_STATUSES)[number], number>;
    const byOutcome = Object.fromEntries(ATTEMPT_OUTCOMES.map((o) => [o, c.byOutcome[o] ?? 0])) as Record<
      (typeof ATTEMPT_OUTCOMES)[number],
      number
    >;
    return {
      contacts: Object.values(byStatus).reduce((a, b) => a + b, 0),
      byStatus,
      byOutcome,
      attempts: c.attempts,
      inFlight: c.inFlight,
      flagged: c.flagged,
    };
  }
}
