import type { CampaignDetail, CampaignState } from '../../../shared/campaigns';
import type { Logger } from '../logging';
import type { CampaignsService } from './campaigns-service';
import type { CampaignRunner } from './runner';

export interface StateFollowerDeps {
  campaigns: CampaignsService;
  runner: () => CampaignRunner | undefined;
  announce: (campaign: CampaignDetail) => void;
  log: Logger;
}

/**
 * Makes this host's dialer follow a campaign paused or canceled by another process on the same data
 * folder (`calldeck campaign pause|cancel ID` while the app runs it): the move is stored and audited
 * there; here the dialer is told, and the page hears of it. Resuming needs a dialer, so it only ever
 * happens in the process that dials. Pausing twice is harmless: a move made here is followed again.
 */
export class StateFollower {
  private readonly seen = new Map<string, CampaignState>();
  private timer: NodeJS.Timeout | undefined;
  private looked = false;

  constructor(private readonly deps: StateFollowerDeps) {}

  /** Compares the stored states with the last look; returns the campaigns the dialer was told about. */
  async tick(): Promise<string[]> {
    const runner = this.deps.runner();
    if (!runner) return [];
    const told: string[] = [];
    // The first look records where everything stands; after it, a campaign first seen already paused
    // or canceled (started and moved between two looks) is followed too: both moves are idempotent.
    const first = !this.looked;
    this.looked = true;
    for (const c of this.deps.campaigns.list(['running', 'paused', 'canceled'])) {
      const before = this.seen.get(c.id);
      this.seen.set(c.id, c.state);
      if (first || before === c.state) continue;
      try {
        if (c.state === 'paused') await runner.pause(c.id);
        else if (c.state === 'canceled') await runner.cancel(c.id);
        else continue;
        told.push(c.id);
        this.deps.announce(c);
      } catch (err) {
        this.deps.log.warn('the dialer could not follow a campaign moved elsewhere', {
          campaignId: c.id,
          err,
        });
      }
    }
    return told;
  }

  watch(everyMs = 1000): void {
    this.stop();
    void this.tick();
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
