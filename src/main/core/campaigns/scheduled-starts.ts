import type { CampaignDetail } from '../../../shared/campaigns';
import type { Logger } from '../logging';
import type { AuditScope } from '../store';
import type { CampaignsService } from './campaigns-service';
import type { CampaignRunner } from './runner';

/** Runs one action on the audit path (the composition root opens the scope, as for the Api). */
export type Audited = <T>(
  action: { action: string; subject: string; actor: string },
  run: (scope: AuditScope) => T | Promise<T>,
) => Promise<T>;

export interface ScheduledStartsDeps {
  campaigns: CampaignsService;
  runner: () => CampaignRunner | undefined;
  audited: Audited;
  announce: (campaign: CampaignDetail) => void;
  log: Logger;
  now?: () => number;
}

/** Who starts a scheduled campaign in the audit log. */
export const SCHEDULER_ACTOR = 'scheduler';

/**
 * Starts scheduled campaigns when their start time comes: the same audited move as
 * `campaigns.start` (actor `scheduler`), then the dialer follows. Without a dialer in this host
 * nothing is started (the campaign waits for a host that dials).
 */
export class ScheduledStarts {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly now: () => number;

  constructor(private readonly deps: ScheduledStartsDeps) {
    this.now = deps.now ?? (() => Date.now());
  }

  /** Starts every scheduled campaign whose start time has come; returns their ids. */
  async tick(): Promise<string[]> {
    const runner = this.deps.runner();
    if (!runner || this.busy) return [];
    this.busy = true;
    const started: string[] = [];
    try {
      for (const c of this.deps.campaigns.list(['scheduled'])) {
        const at = c.settings.schedule.startAt;
        if (at === undefined || Date.parse(at) > this.now()) continue;
        try {
          const moved = await this.deps.audited(
            { action: 'campaigns.start', subject: `campaign:${c.id}`, actor: SCHEDULER_ACTOR },
            (scope) => this.deps.campaigns.transition(c.id, 'start', scope),
          );
          this.deps.announce(moved);
          await runner.start(c.id);
          started.push(c.id);
        } catch (err) {
          // Canceled or started meanwhile (a conflict), or the dialer refused: logged, the rest go on.
          this.deps.log.warn('scheduled campaign not started', { campaignId: c.id, err });
        }
      }
    } finally {
      this.busy = false;
    }
    return started;
  }

  /** Looks every `everyMs` (a start is late by at most that much). */
  watch(everyMs = 1000): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
