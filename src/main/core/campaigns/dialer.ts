import { z } from 'zod';
import type { Pacing } from '../../../shared/campaigns';
import type { JobContext, JobEngine, JobKind } from '../jobs';
import type { CampaignAttemptRow } from '../store';
import { attemptFlags, CampaignRun, type RunDeps, type RunEnd } from './campaign-run';
import { CampaignError } from './errors';
import type { CampaignRunner } from './runner';

const RunInputSchema = z.object({ campaignId: z.string().min(1).max(64) }).strict();
type RunInput = z.infer<typeof RunInputSchema>;

export const CAMPAIGN_JOB = 'campaign.run';

/**
 * The dialer: one scheduler for every campaign (bulk, selected contacts, a single call). Each
 * running campaign is a job of kind `campaign.run` that resumes after a restart, so a campaign
 * killed mid-run takes up where it stopped (its open attempts reconciled first). Implements the
 * model's CampaignRunner: the model has already moved and audited the campaign when it calls here.
 */
export class Dialer implements CampaignRunner {
  private readonly runs = new Map<string, CampaignRun>();
  readonly jobKind: JobKind<RunInput, RunEnd>;

  constructor(
    private readonly deps: RunDeps,
    private readonly jobs: Pick<JobEngine, 'start' | 'cancel'> | null,
  ) {
    this.jobKind = {
      name: CAMPAIGN_JOB,
      restart: { action: 'resume' },
      unit: 'contacts',
      input: RunInputSchema,
      run: (input, ctx) => this.runCampaign(input.campaignId, ctx),
      summarize: (end) => (end === 'completed' ? 'campaign completed' : 'campaign stopped'),
    };
  }

  /** Runs a campaign to its end or until its signal aborts (the job's body; also usable alone). */
  async runCampaign(campaignId: string, ctx: Pick<JobContext, 'signal' | 'progress'>): Promise<RunEnd> {
    if (this.runs.has(campaignId)) throw new Error(`campaign ${campaignId} is already running here`);
    const report = () => {
      const c = this.deps.repo.counts(campaignId);
      const total = Object.values(c.byStatus).reduce((a, b) => a + (b ?? 0), 0);
      ctx.progress({ done: (c.byStatus.done ?? 0) + (c.byStatus.skipped ?? 0), total });
    };
    const run = new CampaignRun(campaignId, {
      ...this.deps,
      onProgress: (id) => {
        report();
        this.deps.onProgress?.(id);
      },
    });
    if (this.deps.repo.get(campaignId)?.state === 'paused') run.pause();
    this.runs.set(campaignId, run);
    try {
      report();
      const end = await run.run(ctx.signal);
      // Stopped with CallDeck (or its job cancelled): the engine must see the abort, so a shutdown
      // leaves the job to be resumed at the next start instead of recording it done.
      if (end === 'stopped' && ctx.signal.aborted) throw new Error('the campaign run stopped with its job');
      return end;
    } finally {
      this.runs.delete(campaignId);
    }
  }

  /** A call of some campaign changed: its run looks at once. */
  onCallChanged(campaignId: string | null): void {
    if (campaignId !== null) this.runs.get(campaignId)?.wake();
  }

  /**
   * A call changed: if it is a campaign's attempt, its run looks at once. A finished attempt's
   * outcome check is made again: the carrier's record (duration, answered by) and the bot's
   * disposition often settle after the attempt's outcome, even after its campaign completed.
   */
  onAttemptChanged(attemptId: string): void {
    const a = this.deps.repo.attempt(attemptId);
    if (!a) return;
    if (a.outcome !== null) this.recheck(a);
    this.runs.get(a.campaignId)?.wake();
  }

  private recheck(a: CampaignAttemptRow): void {
    const call = this.deps.call(a.attemptId);
    if (!call) return;
    const flags = attemptFlags(this.deps, a.attemptId, call);
    const disposition = this.deps.bot(a.attemptId)?.disposition ?? a.disposition;
    if (disposition === a.disposition && flags.join() === a.flags.join()) return;
    this.deps.repo.updateAttemptCheck({ attemptId: a.attemptId, flags, disposition });
    this.deps.onProgress?.(a.campaignId);
  }

  isRunning(campaignId: string): boolean {
    return this.runs.has(campaignId);
  }

  /**
   * Start-up: every campaign left running or paused gets its run back, whether or not its job row
   * was resumed (another CallDeck command on the folder may have closed it). Call once dialing is ready.
   */
  resumeAll(campaignIds: readonly string[]): void {
    for (const id of campaignIds) if (!this.runs.has(id)) void this.start(id);
  }

  pacing(campaignId: string) {
    return this.runs.get(campaignId)?.pacer.snapshot();
  }

  start(campaignId: string): Promise<void> {
    if (this.runs.has(campaignId)) return Promise.resolve();
    if (!this.jobs) throw new Error('the dialer has no job engine to run campaigns in');
    this.jobs.start(
      this.jobKind,
      { campaignId },
      {
        title: `Campaign ${campaignId}`,
        subject: `campaign:${campaignId}`,
        actor: 'dialer',
      },
    );
    return Promise.resolve();
  }

  pause(campaignId: string): Promise<void> {
    this.runs.get(campaignId)?.pause();
    return Promise.resolve();
  }

  resume(campaignId: string): Promise<void> {
    const run = this.runs.get(campaignId);
    if (run) run.resume();
    else return this.start(campaignId);
    return Promise.resolve();
  }

  cancel(campaignId: string): Promise<void> {
    this.runs.get(campaignId)?.stop();
    return Promise.resolve();
  }

  setPacing(campaignId: string, pacing: Pacing): void {
    const run = this.runs.get(campaignId);
    if (!run) return;
    run.pacer.setLimits(pacing);
    run.wake();
  }

  skipContact(campaignId: string, contactId: number): Promise<void> {
    const c = this.deps.repo.contact(campaignId, contactId);
    if (c && c.status === 'pending')
      this.deps.repo.updateContact(
        campaignId,
        contactId,
        { status: 'skipped', skipReason: 'operator' },
        new Date(this.deps.clock.now()).toISOString(),
      );
    this.runs.get(campaignId)?.wake();
    return Promise.resolve();
  }

  retryContact(campaignId: string, contactId: number): Promise<void> {
    const c = this.deps.repo.contact(campaignId, contactId);
    // It would only be skipped again at dial time: say why now instead of showing it pending.
    if (c && this.deps.isDnc(c.number))
      return Promise.reject(
        new CampaignError(
          'invalid',
          `${c.name || c.number} (${c.number}) is on the Do-Not-Call register and is never dialled: remove the number there first.`,
        ),
      );
    if (c && c.status !== 'in_call')
      this.deps.repo.updateContact(
        campaignId,
        contactId,
        { status: 'pending', nextEligibleAt: null, skipReason: null },
        new Date(this.deps.clock.now()).toISOString(),
      );
    this.runs.get(campaignId)?.wake();
    return Promise.resolve();
  }
}
