import type { Migration } from '../migration';

/**
 * Call trust (issue 8): an input repeated with nothing to change is counted on the row it repeats
 * (`repeats`, `last_seen_at`) instead of adding a row per copy; a callback that contradicts the
 * stream is `disputed` until the provider confirms; the attempt caches what we saw of the stream.
 * The dedupe key stops being unique: the same input may be recorded again when it changes something.
 * Streams recorded before this version are over (the app restarted since), so they count as ended.
 */
export const m006CallEventRepeats: Migration = {
  version: 6,
  name: 'calls: counted repeats, disputed callbacks, stream state',
  up: `
    ALTER TABLE call_events ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE call_events ADD COLUMN last_seen_at TEXT;
    ALTER TABLE call_events ADD COLUMN disputed INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1));
    DROP INDEX call_events_dedupe;
    CREATE INDEX call_events_dedupe ON call_events (attempt_id, dedupe_key, seq);

    ALTER TABLE call_attempts ADD COLUMN stream_state TEXT NOT NULL DEFAULT 'none'
      CHECK (stream_state IN ('none', 'live', 'ended'));
    UPDATE call_attempts SET stream_state = 'ended'
      WHERE id IN (SELECT attempt_id FROM call_events WHERE type = 'stream_started');
  `,
};
