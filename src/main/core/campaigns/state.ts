import type { CampaignAction, CampaignState } from '../../../shared/campaigns';

/** A move the state machine does not allow, named with the state and the action. */
export class IllegalTransitionError extends Error {
  readonly code = 'illegal_transition';
  constructor(
    readonly from: CampaignState,
    readonly action: CampaignAction,
  ) {
    super(`A ${from} campaign cannot ${action}${hint(from, action)}`);
    this.name = 'IllegalTransitionError';
  }
}

function hint(from: CampaignState, action: CampaignAction): string {
  if (from === 'completed' || from === 'canceled') return ` (it is ${from}: that is final)`;
  if (action === 'resume') return ' (only a paused campaign resumes)';
  if (action === 'pause') return ' (only a running campaign pauses)';
  return '';
}

/**
 * The campaign's states as a pure function: draft → scheduled → running ⇄ paused → completed |
 * canceled. A draft may also start at once; a scheduled campaign starts when its time comes (the
 * dialer sends `start`); a paused one may be completed (its end date passed) or canceled.
 */
export function nextState(from: CampaignState, action: CampaignAction): CampaignState {
  const to = target(from, action);
  if (to === undefined) throw new IllegalTransitionError(from, action);
  return to;
}

export function canTransition(from: CampaignState, action: CampaignAction): boolean {
  return target(from, action) !== undefined;
}

function target(from: CampaignState, action: CampaignAction): CampaignState | undefined {
  switch (action) {
    case 'schedule':
      return from === 'draft' ? 'scheduled' : undefined;
    case 'start':
      return from === 'draft' || from === 'scheduled' ? 'running' : undefined;
    case 'pause':
      return from === 'running' ? 'paused' : undefined;
    case 'resume':
      return from === 'paused' ? 'running' : undefined;
    case 'complete':
      return from === 'running' || from === 'paused' ? 'completed' : undefined;
    case 'cancel':
      return from === 'completed' || from === 'canceled' ? undefined : 'canceled';
    default: {
      const never: never = action;
      throw new Error(`unknown campaign action ${String(never)}`);
    }
  }
}
