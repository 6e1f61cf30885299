import type { Migration } from '../migration';

/**
 * A voicebot turn whose speech recognition missed its deadline (issue 13, item 2): still decoded and
 * answered, later than planned. The board flags such calls; 0 for every turn recorded before.
 */
export const m014TurnAsrLate: Migration = {
  version: 14,
  name: 'voicebot turn asr late',
  up: `ALTER TABLE voicebot_turn_metrics ADD COLUMN asr_late INTEGER NOT NULL DEFAULT 0;`,
};
