import type { Migration } from '../migration';

/**
 * When a call entered its current state: the board's "In state" timer. `updated_at` moves with every
 * change of the call's view (a bot decision, a price), so the timer restarted mid-state. NULL for
 * rows written before: readers fall back to `updated_at`.
 */
export const m017CallStateSince: Migration = {
  version: 17,
  name: 'call state since',
  up: `ALTER TABLE call_attempts ADD COLUMN state_since TEXT;`,
};
