import type { Migration } from '../migration';

/**
 * The carrier's price of a call (issue 10, item 5): Exotel's call details fill `Price` minutes after
 * the end; derived from call_events like the other view columns. NULL until it settles.
 */
export const m016CallPrice: Migration = {
  version: 16,
  name: 'call price',
  up: `ALTER TABLE call_attempts ADD COLUMN price REAL;`,
};
